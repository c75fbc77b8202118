/* The seccomp programs built into fauxpak (fp-seccomp-programs.c, made
 * at build time) against what libseccomp makes of the rules now, for
 * every set of the features that change them; and the program a launch
 * hands bwrap is the one for its profile's features. */
#include "fp-context.h"
#include "fp-seccomp.h"
#include "fp-seccomp-programs.h"

#include <unistd.h>

static void
test_programs_are_libseccomps (void)
{
  for (guint features = 0; features <= FP_SECCOMP_FEATURES; features++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) now = fp_seccomp_rules_export (features, &error);
      g_autoptr(GBytes) built_in = NULL;

      g_assert_no_error (error);
      built_in = g_bytes_new_static (fp_seccomp_programs[features].data, fp_seccomp_programs[features].size);
      g_assert_cmpuint (g_bytes_get_size (built_in), >, 0);
      if (!g_bytes_equal (now, built_in))
        g_error ("features 0x%x: the built-in program (%" G_GSIZE_FORMAT " bytes) is not what libseccomp "
                 "makes of the rules (%" G_GSIZE_FORMAT " bytes): rebuild", features,
                 g_bytes_get_size (built_in), g_bytes_get_size (now));
    }
}

/* Every set is a different program: a feature that stopped changing
 * the filter (or a table indexed wrongly) shows here. */
static void
test_programs_differ (void)
{
  for (guint a = 0; a <= FP_SECCOMP_FEATURES; a++)
    for (guint b = a + 1; b <= FP_SECCOMP_FEATURES; b++)
      g_assert_false (fp_seccomp_programs[a].size == fp_seccomp_programs[b].size &&
                      memcmp (fp_seccomp_programs[a].data, fp_seccomp_programs[b].data,
                              fp_seccomp_programs[a].size) == 0);
}

static void
test_filter_fd_by_features (void)
{
  static const struct { const char *option; const char *value; FpFeatures feature; } grants[] = {
    { NULL, NULL, 0 },
    { "allow", "devel", FP_FEATURE_DEVEL },
    { "allow", "multiarch", FP_FEATURE_MULTIARCH },
    { "allow", "bluetooth", FP_FEATURE_BLUETOOTH },
    { "allow", "canbus", FP_FEATURE_CANBUS },
    /* Not one of the filter's: the plain program. */
    { "allow", "per-app-dev-shm", 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (grants); i++)
    {
      g_autoptr(FpContext) context = fp_context_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) program = NULL;
      g_autoptr(GBytes) expected = NULL;
      int fd;

      if (grants[i].option != NULL)
        {
          fp_context_apply_option (context, grants[i].option, grants[i].value, &error);
          g_assert_no_error (error);
        }
      fd = fp_seccomp_create_filter_fd (context, &error);
      g_assert_no_error (error);
      g_assert_cmpint (fd, >=, 0);
      program = fp_bwrap_read_fd (fd, &error);
      g_assert_no_error (error);
      /* Sealed: nobody changes it once bwrap is to read it. */
      g_assert_cmpint (write (fd, "x", 1), <, 0);
      close (fd);
      expected = g_bytes_new_static (fp_seccomp_programs[grants[i].feature].data,
                                     fp_seccomp_programs[grants[i].feature].size);
      g_assert_true (g_bytes_equal (program, expected));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seccomp/programs-are-libseccomps", test_programs_are_libseccomps);
  g_test_add_func ("/seccomp/programs-differ", test_programs_differ);
  g_test_add_func ("/seccomp/filter-fd-by-features", test_filter_fd_by_features);
  return g_test_run ();
}
