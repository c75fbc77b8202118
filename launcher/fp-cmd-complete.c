/* fauxpak complete: the words shell completion offers, from the same
 * tables the commands use, so that completion cannot drift from them.
 * data/completion/fauxpak.bash asks it; options come from each
 * command's --help. */
#include "fp-cmd.h"
#include "fp-app-id.h"
#include "fp-context.h"
#include "fp-installed.h"
#include "fp-instance.h"
#include "fp-profile.h"

#include <string.h>

static const char *const commands[] = {
  "run", "info", "ps", "kill", "enter", "override", "permissions", "documents",
  "document-export", "document-unexport", "presets", "install", "uninstall", "list",
  "portal-front", "help", NULL
};

/* Filesystem locations Flatpak names, besides paths. */
static const char *const filesystem_tokens[] = {
  "home", "host", "host-os", "host-etc", "xdg-desktop", "xdg-documents", "xdg-download",
  "xdg-music", "xdg-pictures", "xdg-public-share", "xdg-templates", "xdg-videos",
  "xdg-config", "xdg-data", "xdg-cache", "xdg-run/", NULL
};

static const char *const ps_columns[] = {
  "instance", "pid", "child-pid", "application", "time", "command", "all", NULL
};

static void
print_words (const char *const *words)
{
  for (guint i = 0; words[i] != NULL; i++)
    g_print ("%s\n", words[i]);
}

static int
complete_values (const char *option)
{
  static const struct {
    const char *option;
    FpFlagsKind kind;
  } flag_options[] = {
    { "share", FP_FLAGS_SHARED }, { "unshare", FP_FLAGS_SHARED },
    { "socket", FP_FLAGS_SOCKETS }, { "nosocket", FP_FLAGS_SOCKETS },
    { "device", FP_FLAGS_DEVICES }, { "nodevice", FP_FLAGS_DEVICES },
    { "allow", FP_FLAGS_FEATURES }, { "disallow", FP_FLAGS_FEATURES },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (flag_options); i++)
    if (g_str_equal (option, flag_options[i].option))
      {
        print_words (fp_context_flag_names (flag_options[i].kind));
        return 0;
      }
  if (g_str_equal (option, "filesystem") || g_str_equal (option, "nofilesystem"))
    print_words (filesystem_tokens);
  else if (g_str_equal (option, "preset"))
    {
      g_auto(GStrv) names = fp_profile_preset_names ();
      print_words ((const char *const *) names);
    }
  else if (g_str_equal (option, "columns"))
    print_words (ps_columns);
  return 0;
}

static int
complete_instances (void)
{
  g_autoptr(GPtrArray) instances = fp_instance_list_running (NULL);
  g_autoptr(GHashTable) apps = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; instances != NULL && i < instances->len; i++)
    {
      const FpInstanceSummary *s = g_ptr_array_index (instances, i);

      g_print ("%s\n", s->id);
      if (s->app_id != NULL && g_hash_table_add (apps, s->app_id))
        g_print ("%s\n", s->app_id);
    }
  return 0;
}

/* App ids fauxpak knows of: installed ones and those with an override. */
static int
complete_apps (void)
{
  g_autofree char *dir_path = g_build_filename (g_get_user_config_dir (), "fauxpak", "overrides", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) installed = fp_installed_list (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *name;

  for (guint i = 0; installed != NULL && i < installed->len; i++)
    {
      const FpInstalledApp *app = g_ptr_array_index (installed, i);

      if (g_hash_table_add (seen, app->app_id))
        g_print ("%s\n", app->app_id);
    }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (fp_app_id_validate (name, NULL) && !g_hash_table_contains (seen, name))
      g_print ("%s\n", name);
  return 0;
}

int
fp_cmd_complete (int argc, char **argv)
{
  if (argc == 2 && g_str_equal (argv[1], "commands"))
    print_words (commands);
  else if (argc == 3 && g_str_equal (argv[1], "values"))
    return complete_values (argv[2]);
  else if (argc == 2 && g_str_equal (argv[1], "instances"))
    return complete_instances ();
  else if (argc == 2 && g_str_equal (argv[1], "presets"))
    return complete_values ("preset");
  else if (argc == 2 && g_str_equal (argv[1], "apps"))
    return complete_apps ();
  else
    return fp_cmd_refuse ("complete: expected commands, values OPTION, instances, apps or presets "
                          "(this command is for shell completion)");
  return 0;
}
