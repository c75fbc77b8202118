/* libFuzzer target: permission options, as `fauxpak run --OPTION=VALUE`
 * takes them, then the [Context] keyfile written from them.
 *
 * The keyfile becomes /.flatpak-info, which the portals trust: a value that
 * broke out of its key (a newline, a "[Group]" line) would let whoever
 * chooses the options write keys of their own, such as another app's name.
 * So beyond "no crash", this checks that what is written reads back as
 * exactly the groups and keys that were meant.
 *
 * Input: records separated by NUL bytes, each NAME=VALUE (NAME without
 * the dashes, VALUE up to the next NUL, newlines included). */
#include "fp-context.h"
#include "fp-error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_APP_ID "org.example.Fuzz"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The groups fp_context_save_keyfile may write, and [Application], which
 * the fuzzer writes first as fauxpak does. */
static const char *const allowed_groups[] = {
  "Application", "Context", "Fauxpak", "Session Bus Policy", "System Bus Policy", "Environment", NULL
};

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  setenv ("G_SLICE", "always-malloc", 1);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  return 0;
}

static void
apply_records (FpContext *context, const char *data, size_t size)
{
  const char *end = data + size;
  const char *record = data;

  while (record < end)
    {
      const char *nul = memchr (record, '\0', end - record);
      const char *record_end = nul ? nul : end;
      g_autofree char *text = g_strndup (record, record_end - record);
      char *eq = strchr (text, '=');
      g_autoptr(GError) error = NULL;

      record = record_end + 1;
      if (eq == NULL)
        continue;
      *eq = '\0';
      if (fp_context_apply_option (context, text, eq + 1, &error))
        g_assert_null (error);
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == FP_ERROR);
        }
    }
}

static char *
save (const FpContext *context)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  g_key_file_set_string (keyfile, "Application", "name", FUZZ_APP_ID);
  fp_context_save_keyfile (context, keyfile);
  return g_key_file_to_data (keyfile, NULL, NULL);
}

/* Every key of `a` is in `b` with the same raw value. */
static void
assert_keys_in (GKeyFile *a, GKeyFile *b)
{
  g_auto(GStrv) groups = g_key_file_get_groups (a, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (a, groups[i], NULL, NULL);

      g_assert_true (g_strv_contains (allowed_groups, groups[i]));
      for (guint j = 0; keys != NULL && keys[j] != NULL; j++)
        {
          g_autofree char *va = g_key_file_get_value (a, groups[i], keys[j], NULL);
          g_autofree char *vb = g_key_file_get_value (b, groups[i], keys[j], NULL);

          g_assert_nonnull (va);
          g_assert_cmpstr (va, ==, vb);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(FpContext) context = fp_context_new ();
  g_autoptr(FpContext) merged = fp_context_new ();
  g_autoptr(GKeyFile) reread = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *merged_text = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) app_keys = NULL;
  GHashTableIter iter;
  gpointer key, value;

  apply_records (context, (const char *) data, size);

  /* What is written parses, with [Application] exactly as fauxpak set it. */
  text = save (context);
  if (!g_key_file_load_from_data (reread, text, (gsize) -1, G_KEY_FILE_NONE, &error))
    g_error ("the keyfile written does not parse back: %s\n%s", error->message, text);
  app_keys = g_key_file_get_keys (reread, "Application", NULL, NULL);
  g_assert_nonnull (app_keys);
  g_assert_cmpuint (g_strv_length (app_keys), ==, 1);
  name = g_key_file_get_string (reread, "Application", "name", NULL);
  g_assert_cmpstr (name, ==, FUZZ_APP_ID);

  /* The same groups and keys, with the same values, both ways: nothing
   * added by a value, nothing lost. */
  {
    g_autoptr(GKeyFile) direct = g_key_file_new ();

    g_key_file_set_string (direct, "Application", "name", FUZZ_APP_ID);
    fp_context_save_keyfile (context, direct);
    assert_keys_in (direct, reread);
    assert_keys_in (reread, direct);
  }

  /* Environment values read back as the very strings that were set; an
   * unset variable as Flatpak writes it, VAR= and in unset-environment. */
  g_hash_table_iter_init (&iter, context->env);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *read_back = g_key_file_get_string (reread, "Environment", key, NULL);

      /* A pattern ("*TOKEN*") names no one variable: only unset-environment has it. */
      if (!fp_env_name_is_pattern (key))
        g_assert_cmpstr (read_back, ==, value ? value : "");
      else
        g_assert_null (read_back);
      if (value == NULL)
        {
          g_auto(GStrv) unset = g_key_file_get_string_list (reread, "Context", "unset-environment", NULL, NULL);

          g_assert_nonnull (unset);
          g_assert_true (g_strv_contains ((const char *const *) unset, key));
        }
    }

  /* Merging into an empty context changes nothing that is written. */
  fp_context_merge (merged, context);
  merged_text = save (merged);
  g_assert_cmpstr (merged_text, ==, text);
  return 0;
}
