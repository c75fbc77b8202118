/* App id validation and the path helpers of fp-expand. */
#include "fp-app-id.h"
#include "fp-error.h"
#include "fp-expand.h"
#include "fp-test-util.h"

static void
test_app_id_valid (void)
{
  static const char *const valid[] = {
    "org.example.App",
    "org.example.App_2",
    "org.example.my-app",      /* '-' in the last element */
    "org.example.-leading",    /* Flatpak allows a last element to start with '-' */
    "a.b",
    "_org.example._App",
    "com.Example.UPPER.lower.Mixed9",
    NULL
  };

  for (guint i = 0; valid[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      fp_test_note ("valid: %s", valid[i]);
      g_assert_true (fp_app_id_validate (valid[i], &error));
      g_assert_no_error (error);
    }
}

static void
test_app_id_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) id = g_string_new ("org.");

  /* Exactly 255 bytes is fine, 256 is not. */
  while (id->len < 255)
    g_string_append_c (id, 'a');
  g_assert_cmpuint (id->len, ==, 255);
  g_assert_true (fp_app_id_validate (id->str, &error));
  g_assert_no_error (error);

  g_string_append_c (id, 'a');
  g_assert_false (fp_app_id_validate (id->str, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID);
  fp_assert_contains (error->message, "longer than 255");
}

static void
test_app_id_invalid (void)
{
  static const struct {
    const char *id;
    const char *message;
  } cases[] = {
    { "", "app id is empty" },
    { "org", "has only one element" },
    { "App", "has only one element" },
    { "org.3d.App", "has an element starting with a digit" },
    { "org.example.3D", "has an element starting with a digit" },
    { "4org.example", "has an element starting with a digit" },
    { "org.my-company.App", "has '-' outside its last element" },
    { "my-org.example.App", "has '-' outside its last element" },
    { "org..App", "has an empty element" },
    { ".org.App", "has an empty element" },
    { "org.App.", "has an empty element" },
    { "org.exa mple", "contains a character that is not" },
    { "org.example/App", "contains a character that is not" },
    { "org.example.App:x", "contains a character that is not" },
    { "org.example.\xc3\x84pp", "contains a character that is not" },
    { "org.example.App\n", "contains a character that is not" },
    { "org.example.App\n[Context]\nfilesystems=host;", "contains a character that is not" },
    { "org.example.App\r", "contains a character that is not" },
    { "org.example.App\t", "contains a character that is not" },
    { "org.example.App;", "contains a character that is not" },
    { "org.example.App=", "contains a character that is not" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      fp_test_note ("invalid: \"%s\"", cases[i].id);
      g_assert_false (fp_app_id_validate (cases[i].id, &error));
      g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID);
      fp_assert_contains (error->message, cases[i].message);
    }
}

static void
test_app_id_null (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (fp_app_id_validate (NULL, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID);
}

static void
test_expand_variables (void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "plain/path", "plain/path" },
    { "$FP_TEST_A", "alpha" },
    { "${FP_TEST_A}", "alpha" },
    { "$FP_TEST_A/x", "alpha/x" },
    { "${FP_TEST_A}suffix", "alphasuffix" },
    { "$FP_TEST_A$FP_TEST_B", "alphabeta two" },
    { "$$FP_TEST_A", "$FP_TEST_A" },
    { "a$$", "a$" },
    { "~/x/$FP_TEST_A", "~/x/alpha" },   /* "~/" is left for later */
    { "$FP_TEST_EMPTY/x", "/x" },        /* set but empty is set */
    { "", "" },
  };

  g_setenv ("FP_TEST_A", "alpha", TRUE);
  g_setenv ("FP_TEST_B", "beta two", TRUE);
  g_setenv ("FP_TEST_EMPTY", "", TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = fp_expand_variables (cases[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_unsetenv ("FP_TEST_A");
  g_unsetenv ("FP_TEST_B");
  g_unsetenv ("FP_TEST_EMPTY");
}

static void
test_expand_pwd (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *expected = g_strconcat (cwd, "/sub", NULL);
  g_autofree char *out = NULL;

  /* $PWD is the real current directory, whatever the variable says. */
  g_setenv ("PWD", "/stale/value", TRUE);
  out = fp_expand_variables ("$PWD/sub", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_expand_errors (void)
{
  static const struct {
    const char *in;
    FpError code;
    const char *message;
  } cases[] = {
    { "$FP_TEST_UNSET/x", FP_ERROR_UNSET_VARIABLE, "uses $FP_TEST_UNSET, which is not set" },
    { "${FP_TEST_UNSET}", FP_ERROR_UNSET_VARIABLE, "uses $FP_TEST_UNSET, which is not set" },
    { "${FP_TEST_A", FP_ERROR_INVALID_PROFILE, "unterminated or empty ${" },
    { "${}", FP_ERROR_INVALID_PROFILE, "unterminated or empty ${" },
    { "${A-B}", FP_ERROR_INVALID_PROFILE, "invalid variable name" },
    { "${1A}", FP_ERROR_INVALID_PROFILE, "invalid variable name" },
    { "$1", FP_ERROR_INVALID_PROFILE, "write $$ for a literal '$'" },
    { "a$", FP_ERROR_INVALID_PROFILE, "write $$ for a literal '$'" },
    { "$-x", FP_ERROR_INVALID_PROFILE, "write $$ for a literal '$'" },
  };

  g_unsetenv ("FP_TEST_UNSET");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = fp_expand_variables (cases[i].in, &error);

      fp_test_note ("expand \"%s\"", cases[i].in);
      g_assert_null (out);
      g_assert_error (error, FP_ERROR, (int) cases[i].code);
      fp_assert_contains (error->message, cases[i].message);
      fp_assert_contains (error->message, cases[i].in);
    }
}

static void
test_expand_home (void)
{
  g_autofree char *home = fp_expand_home ("~");
  g_autofree char *sub = fp_expand_home ("~/a/b");
  g_autofree char *abs = fp_expand_home ("/a/~/b");
  g_autofree char *user = fp_expand_home ("~user/x");
  g_autofree char *expected = g_build_filename (g_get_home_dir (), "a", "b", NULL);

  g_assert_cmpstr (home, ==, g_get_home_dir ());
  g_assert_cmpstr (sub, ==, expected);
  g_assert_cmpstr (abs, ==, "/a/~/b");
  g_assert_cmpstr (user, ==, "~user/x");
}

static void
test_path_dotdot (void)
{
  g_assert_true (fp_path_has_dotdot (".."));
  g_assert_true (fp_path_has_dotdot ("/a/../b"));
  g_assert_true (fp_path_has_dotdot ("../a"));
  g_assert_true (fp_path_has_dotdot ("a/.."));
  g_assert_true (fp_path_has_dotdot ("~/.."));
  g_assert_false (fp_path_has_dotdot ("/a/..b/c"));
  g_assert_false (fp_path_has_dotdot ("/a/b../c"));
  g_assert_false (fp_path_has_dotdot ("/a/./c"));
  g_assert_false (fp_path_has_dotdot ("..."));
  g_assert_false (fp_path_has_dotdot (""));
  g_assert_true (fp_path_has_dotdot ("/a/b/.."));
  g_assert_true (fp_path_has_dotdot ("//.."));
  g_assert_false (fp_path_has_dotdot ("/a/b/"));
  g_assert_false (fp_path_has_dotdot ("/."));
  g_assert_false (fp_path_has_dotdot ("/a/.../b"));
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/app-id/valid", test_app_id_valid);
  g_test_add_func ("/app-id/length", test_app_id_length);
  g_test_add_func ("/app-id/invalid", test_app_id_invalid);
  g_test_add_func ("/app-id/null", test_app_id_null);
  g_test_add_func ("/expand/variables", test_expand_variables);
  g_test_add_func ("/expand/pwd", test_expand_pwd);
  g_test_add_func ("/expand/errors", test_expand_errors);
  g_test_add_func ("/expand/home", test_expand_home);
  g_test_add_func ("/expand/dotdot", test_path_dotdot);
  return g_test_run ();
}
