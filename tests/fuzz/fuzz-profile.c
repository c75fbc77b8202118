/* libFuzzer target: a profile from untrusted bytes.
 *
 * Profiles are the one input fauxpak takes from files anyone may hand a
 * user, so the loader must refuse anything malformed with an error, never
 * crash, leak or hand back a half-built profile. What it does accept is
 * also turned into the .flatpak-info keyfile, as a launch would. */
#include "config.h"
#include "fp-context.h"
#include "fp-profile.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  /* Allocations through malloc, where ASan sees them (GLib 2.74 still has
   * a slice allocator of its own). */
  setenv ("G_SLICE", "always-malloc", 1);
  /* Imports resolve to the source tree's presets, not to whatever the
   * machine running the fuzzer has in its config directory. */
  setenv ("FAUXPAK_PRESET_PATH", FAUXPAK_SOURCE_PRESETS_DIR, 1);
  setenv ("XDG_CONFIG_HOME", "/nonexistent/fauxpak-fuzz-config", 1);
  /* flatpak-app: looks in no real installation. */
  setenv ("FLATPAK_USER_DIR", "/nonexistent/fauxpak-fuzz-flatpak-user", 1);
  setenv ("FLATPAK_SYSTEM_DIR", "/nonexistent/fauxpak-fuzz-flatpak-system", 1);
  /* A critical is a broken precondition inside fauxpak or a library it
   * calls wrongly: a bug, so a crash the fuzzer records. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autofree char *text = NULL;

  /* The name of a file in a directory that does not exist: relative
   * imports then fail, instead of reading from wherever the fuzzer runs. */
  profile = fp_profile_load_from_data ((const char *) data, (gssize) size,
                                       "/nonexistent/fauxpak-fuzz/profile.json", &error);
  if (profile == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (error->message);
      return 0;
    }
  g_assert_null (error);

  if (!fp_profile_validate (profile, &error))
    g_clear_error (&error);

  keyfile = g_key_file_new ();
  g_key_file_set_string (keyfile, "Application", "name",
                         profile->app_id ? profile->app_id : "org.example.Fuzz");
  fp_context_save_keyfile (profile->context, keyfile);
  text = g_key_file_to_data (keyfile, NULL, NULL);
  g_assert_nonnull (text);
  return 0;
}
