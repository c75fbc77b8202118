#include "fp-expand.h"
#include "fp-error.h"

#include <string.h>

static gboolean
is_name_char (char c, gboolean first)
{
  return c == '_' || g_ascii_isalpha (c) || (!first && g_ascii_isdigit (c));
}

char *
fp_expand_variables (const char *value,
                     GError    **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = value;

  while (*p != '\0')
    {
      g_autofree char *name = NULL;
      const char *env_value;

      if (*p != '$')
        {
          /* Up to the next '$' in one go: most values (a closure's
           * hundreds of store paths) have none. */
          const char *dollar = strchr (p, '$');
          gsize len = dollar != NULL ? (gsize) (dollar - p) : strlen (p);

          g_string_append_len (out, p, len);
          p += len;
          continue;
        }

      if (p[1] == '$')
        {
          g_string_append_c (out, '$');
          p += 2;
          continue;
        }
      if (p[1] == '{')
        {
          const char *end = strchr (p + 2, '}');
          const char *q;

          if (end == NULL || end == p + 2)
            {
              g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                           "\"%s\": unterminated or empty ${…}; expected ${NAME}", value);
              return NULL;
            }
          for (q = p + 2; q < end; q++)
            if (!is_name_char (*q, q == p + 2))
              {
                g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                             "\"%s\": invalid variable name in ${…}", value);
                return NULL;
              }
          name = g_strndup (p + 2, end - (p + 2));
          p = end + 1;
        }
      else if (is_name_char (p[1], TRUE))
        {
          const char *q = p + 1;

          while (is_name_char (*q, FALSE))
            q++;
          name = g_strndup (p + 1, q - (p + 1));
          p = q;
        }
      else
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                       "\"%s\": '$' must start a variable name; write $$ for a literal '$'",
                       value);
          return NULL;
        }

      /* $PWD is where fauxpak really runs: the variable goes stale when a
       * program that is not a shell changes directory before starting us. */
      if (g_str_equal (name, "PWD"))
        {
          g_autofree char *cwd = g_get_current_dir ();
          g_string_append (out, cwd);
          continue;
        }
      env_value = g_getenv (name);
      if (env_value == NULL)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_UNSET_VARIABLE,
                       "\"%s\" uses $%s, which is not set in the environment", value, name);
          return NULL;
        }
      g_string_append (out, env_value);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
fp_expand_home (const char *path)
{
  if (g_str_equal (path, "~"))
    return g_strdup (g_get_home_dir ());
  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  return g_strdup (path);
}

gboolean
fp_path_has_dotdot (const char *path)
{
  const char *element = path;

  /* Element by element, in place: it is asked of every path a profile
   * lists. */
  for (;;)
    {
      const char *slash = strchr (element, '/');
      gsize len = slash != NULL ? (gsize) (slash - element) : strlen (element);

      if (len == 2 && element[0] == '.' && element[1] == '.')
        return TRUE;
      if (slash == NULL)
        return FALSE;
      element = slash + 1;
    }
}

gboolean
fp_path_is_under (const char *path, const char *dir)
{
  gsize len = strlen (dir);

  if (g_str_equal (dir, "/"))
    return TRUE;
  return strncmp (path, dir, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

static gboolean
has_control_chars (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s < 0x20 || *s == 0x7f)
      return TRUE;
  return FALSE;
}


gboolean
fp_text_check (const char *what, const char *value, GError **error)
{
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "%s is not valid UTF-8", what);
      return FALSE;
    }
  if (has_control_chars (value))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "%s \"%s\" contains a newline or other control character",
                   what, value);
      return FALSE;
    }
  return TRUE;
}
