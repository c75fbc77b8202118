#include "config.h"
#include "fp-flatpak-info.h"

#include <sys/utsname.h>

/* fauxpak stands in for a runtime that does not exist as an OSTree ref; the
 * name says so to anyone reading `flatpak ps` or the keyfile. */
#define FAUXPAK_RUNTIME_ID "org.fauxpak.Host"
#define FAUXPAK_BRANCH "master"

const char *
fp_flatpak_arch (void)
{
  static char *arch = NULL;

  if (g_once_init_enter (&arch))
    {
      struct utsname name;
      const char *value = "x86_64";

      if (uname (&name) == 0)
        {
          if (g_str_equal (name.machine, "i686") || g_str_equal (name.machine, "i586") ||
              g_str_equal (name.machine, "i486"))
            value = "i386";
          else if (g_str_equal (name.machine, "armv7l"))
            value = "arm";
          else
            value = name.machine;
        }
      g_once_init_leave (&arch, g_strdup (value));
    }
  return arch;
}

GKeyFile *
fp_flatpak_info_new (const FpProfile       *profile,
                     const FpInstanceFacts *facts)
{
  GKeyFile *keyfile = g_key_file_new ();
  g_autofree char *runtime_ref = g_strdup_printf ("runtime/%s/%s/%s", FAUXPAK_RUNTIME_ID,
                                                  fp_flatpak_arch (), FAUXPAK_BRANCH);

  g_key_file_set_string (keyfile, "Application", "name", profile->app_id);
  g_key_file_set_string (keyfile, "Application", "runtime", runtime_ref);

  if (facts->instance_id != NULL)
    g_key_file_set_string (keyfile, "Instance", "instance-id", facts->instance_id);
  if (facts->instance_path != NULL)
    g_key_file_set_string (keyfile, "Instance", "instance-path", facts->instance_path);
  g_key_file_set_string (keyfile, "Instance", "app-path", facts->app_path ? facts->app_path : "");
  g_key_file_set_string (keyfile, "Instance", "runtime-path", facts->runtime_path ? facts->runtime_path : "/usr");
  g_key_file_set_string (keyfile, "Instance", "branch", FAUXPAK_BRANCH);
  g_key_file_set_string (keyfile, "Instance", "arch", fp_flatpak_arch ());
  g_key_file_set_string (keyfile, "Instance", "flatpak-version", FAUXPAK_FLATPAK_COMPAT_VERSION);
  g_key_file_set_string (keyfile, "Instance", "fauxpak-version", FAUXPAK_VERSION);
  if (facts->session_bus_proxy)
    g_key_file_set_boolean (keyfile, "Instance", "session-bus-proxy", TRUE);
  if (facts->system_bus_proxy)
    g_key_file_set_boolean (keyfile, "Instance", "system-bus-proxy", TRUE);
  /* Flatpak's run flag follows the devel feature. */
  if (fp_context_has (profile->context, FP_FLAGS_FEATURES, FP_FEATURE_DEVEL))
    g_key_file_set_boolean (keyfile, "Instance", "devel", TRUE);
  if (profile->extra_args != NULL)
    g_key_file_set_string_list (keyfile, "Instance", "extra-args",
                                (const char *const *) profile->extra_args,
                                g_strv_length (profile->extra_args));

  fp_context_save_keyfile (profile->context, keyfile);
  return keyfile;
}

GBytes *
fp_flatpak_info_to_bytes (GKeyFile *keyfile)
{
  gsize length;
  char *data = g_key_file_to_data (keyfile, &length, NULL);

  return g_bytes_new_take (data, length);
}
