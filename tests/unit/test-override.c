/* Overrides (fp-override.c) and suggestions (fp-suggest.c). */
#include "fp-test-util.h"
#include "fp-context.h"
#include "fp-override.h"
#include "fp-suggest.h"

/* GLib reads XDG_CONFIG_HOME once: one directory for every test. */
static FpTmpDir *config_dir;

/* What an override says, written and read back, is the same layer: a
 * revocation survives the round trip and still revokes. */
static void
test_override_round_trip (void)
{
  g_autoptr(FpContext) context = fp_context_new ();
  g_autoptr(FpContext) loaded = NULL;
  g_autoptr(FpContext) base = fp_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) written = g_key_file_new ();
  g_autoptr(GKeyFile) reread = g_key_file_new ();
  g_autofree char *written_data = NULL;
  g_autofree char *reread_data = NULL;
  g_autofree char *path = NULL;

  g_assert_true (fp_context_apply_option (context, "share", "network", &error));
  g_assert_true (fp_context_apply_option (context, "nosocket", "x11", &error));
  g_assert_true (fp_context_apply_option (context, "nofilesystem", "home", &error));
  g_assert_true (fp_context_apply_option (context, "filesystem", "xdg-download:ro", &error));
  g_assert_true (fp_context_apply_option (context, "unset-env", "LD_PRELOAD", &error));
  g_assert_true (fp_context_apply_option (context, "env", "A=b", &error));
  g_assert_true (fp_context_apply_option (context, "no-talk-name", "org.example.Foo", &error));
  g_assert_true (fp_override_save ("org.example.App", context, &error));
  g_assert_no_error (error);
  path = fp_override_path ("org.example.App", &error);
  g_assert_true (g_str_has_prefix (path, config_dir->path));
  g_assert_true (g_str_has_suffix (path, "/fauxpak/overrides/org.example.App"));

  loaded = fp_override_load ("org.example.App", &error);
  g_assert_no_error (error);
  fp_context_save_override_keyfile (context, written);
  fp_context_save_override_keyfile (loaded, reread);
  written_data = g_key_file_to_data (written, NULL, NULL);
  reread_data = g_key_file_to_data (reread, NULL, NULL);
  g_assert_cmpstr (written_data, ==, reread_data);
  fp_assert_contains (written_data, "sockets=!x11;");
  fp_assert_contains (written_data, "filesystems=!home;xdg-download:ro;");
  fp_assert_contains (written_data, "unset-environment=LD_PRELOAD;");

  /* Over a profile that grants x11 and home, the override revokes them. */
  g_assert_true (fp_context_apply_option (base, "socket", "x11", &error));
  g_assert_true (fp_context_apply_option (base, "filesystem", "home", &error));
  fp_context_merge (base, loaded);
  g_assert_false (fp_context_has (base, FP_FLAGS_SOCKETS, FP_SOCKET_X11));
  g_assert_true (fp_context_has (base, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (base->filesystems, "home")), ==, FP_FILESYSTEM_NONE);

  g_assert_true (fp_override_reset ("org.example.App", &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (fp_override_reset ("org.example.App", &error));  /* no file is no error */
  g_clear_pointer (&loaded, fp_context_free);
  loaded = fp_override_load ("org.example.App", &error);
  g_assert_nonnull (loaded);
  g_assert_cmpuint (g_hash_table_size (loaded->filesystems), ==, 0);
}

static void
test_override_bad (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *overrides = g_build_filename (config_dir->path, "fauxpak", "overrides", NULL);
  g_autofree char *file = g_build_filename (overrides, "org.example.Bad", NULL);

  /* An app id is a file name only when it is valid: no way out of the directory. */
  g_assert_null (fp_override_path ("../../etc/passwd", &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (overrides, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "[Context]\nsockets=waylnd;\n", -1, NULL));
  g_assert_null (fp_override_load ("org.example.Bad", &error));
  fp_assert_contains (error->message, file);
  fp_assert_contains (error->message, "[Context] sockets");
  fp_assert_contains (error->message, "did you mean \"wayland\"");
}

static void
test_suggest (void)
{
  static const char *const words[] = { "share", "socket", "filesystem", "nofilesystem", NULL };
  g_autofree char *text = fp_suggest_text ("filesytem", words);
  g_autofree char *none = fp_suggest_text ("zzzzzz", words);

  g_assert_cmpstr (fp_suggest_nearest ("sha", words), ==, "share");
  g_assert_cmpstr (fp_suggest_nearest ("SOCKET", words), ==, "socket");
  g_assert_cmpstr (fp_suggest_nearest ("sokcet", words), ==, "socket");
  g_assert_null (fp_suggest_nearest ("network", words));
  g_assert_null (fp_suggest_nearest ("", words));
  g_assert_cmpstr (text, ==, "; did you mean \"filesystem\"?");
  g_assert_cmpstr (none, ==, "");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  config_dir = fp_tmp_dir_new ();
  g_setenv ("XDG_CONFIG_HOME", config_dir->path, TRUE);
  g_test_add_func ("/override/round-trip", test_override_round_trip);
  g_test_add_func ("/override/bad", test_override_bad);
  g_test_add_func ("/suggest/nearest", test_suggest);
  status = g_test_run ();
  fp_tmp_dir_free (config_dir);
  return status;
}
