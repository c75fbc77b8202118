#include "fp-app-id.h"
#include "fp-error.h"

#include <string.h>

/* The rules the portals apply when they read [Application] name: at most
 * 255 bytes, two or more dot-separated elements of [A-Za-z0-9_], none
 * starting with a digit, and '-' allowed only in the last element. */
gboolean
fp_app_id_validate (const char *app_id,
                    GError    **error)
{
  const char *p;
  const char *element_start;
  guint n_elements = 1;

  if (app_id == NULL || *app_id == '\0')
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID,
                   "app id is empty; expected a reverse-DNS name such as org.example.App");
      return FALSE;
    }
  if (strlen (app_id) > 255)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID,
                   "app id is longer than 255 characters");
      return FALSE;
    }

  element_start = app_id;
  for (p = app_id; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (p == element_start)
            {
              g_set_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID,
                           "app id \"%s\" has an empty element; expected elements separated by single dots",
                           app_id);
              return FALSE;
            }
          if (g_ascii_isdigit (*element_start))
            {
              g_set_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID,
                           "app id \"%s\" has an element starting with a digit", app_id);
              return FALSE;
            }
          if (*p == '\0')
            break;
          n_elements++;
          element_start = p + 1;
          continue;
        }
      if (*p == '-')
        {
          if (strchr (p, '.') != NULL)
            {
              g_set_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID,
                           "app id \"%s\" has '-' outside its last element", app_id);
              return FALSE;
            }
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '_')
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID,
                       "app id \"%s\" contains a character that is not a letter, digit, '_', '-' or '.'",
                       app_id);
          return FALSE;
        }
    }

  if (n_elements < 2)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID,
                   "app id \"%s\" has only one element; expected at least two, such as org.example",
                   app_id);
      return FALSE;
    }
  return TRUE;
}
