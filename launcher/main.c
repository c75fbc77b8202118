/* The fauxpak command: run and info here, the other commands in
 * fp-cmd-*.c, dispatched from the table below. */
#include "config.h"
#include "fp-app-id.h"
#include "fp-cmd.h"
#include "fp-cmd-install.h"
#include "fp-cmd-options.h"
#include "fp-cmd-portal-front.h"
#include "fp-error.h"
#include "fp-origins.h"
#include "fp-installed.h"
#include "fp-override.h"
#include "fp-profile.h"
#include "fp-suggest.h"
#include "fp-run.h"

#include <gio/gio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  FpContext *cli_context;    /* permission options, applied over the profile */
  GPtrArray *presets;        /* --preset names, in order */
  char *app_id;
  gboolean show_bwrap;
  char *bwrap_data_dir;
  gboolean show_dbus_proxy;
  gboolean show_sources;     /* info --sources: where each permission came from */
  char *file_access;         /* info --file-access=PATH */
  gboolean allow_wide_cwd;   /* share a $PWD that is home, above it, / or a system directory */
  char *command;             /* --command: another program, the profile's permissions */
  gboolean sandbox;          /* --sandbox: none of the profile's or override's permissions */
  FpRunOptions run_options;  /* --file-forwarding, --log-*-bus, --cwd, --verbose */
  GPtrArray *option_names;   /* every long option, for "did you mean" */
  gboolean command_follows;  /* a "--" came before any profile: GOption drops it */
} CommandLine;

static gboolean
permission_option_cb (const char *option_name, const char *value, gpointer user_data, GError **error)
{
  CommandLine *cl = user_data;
  const char *name = option_name + 2; /* GOption hands us "--share" */

  return fp_context_apply_option (cl->cli_context, name, value, error);
}

static gboolean
preset_option_cb (const char *option_name, const char *value, gpointer user_data, GError **error)
{
  CommandLine *cl = user_data;

  (void) option_name;
  (void) error;
  g_ptr_array_add (cl->presets, g_strdup (value));
  return TRUE;
}


static GOptionContext *
make_option_context (const char *parameter_string, const char *summary,
                     CommandLine *cl, gboolean with_show_bwrap)
{
  GOptionContext *context = g_option_context_new (parameter_string);
  GOptionGroup *group = g_option_group_new ("fauxpak", "fauxpak options", "Show fauxpak options", cl, NULL);
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  GOptionEntry app_id_entry = { "app-id", 0, 0, G_OPTION_ARG_STRING, &cl->app_id,
                                "Application id (without a profile, or to override the profile's)", "ID" };
  GOptionEntry preset_entry = { "preset", 0, 0, G_OPTION_ARG_CALLBACK, preset_option_cb,
                                "Import a preset, such as desktop or devshell", "NAME" };
  GOptionEntry show_bwrap_entry = { "show-bwrap", 0, 0, G_OPTION_ARG_NONE, &cl->show_bwrap,
                                    "Print the bubblewrap command line, one argument a line", NULL };
  GOptionEntry bwrap_data_dir_entry = { "bwrap-data-dir", 0, 0, G_OPTION_ARG_FILENAME, &cl->bwrap_data_dir,
                                        "With --show-bwrap, write the data behind each fd the command line names to DIR/FD", "DIR" };

  GOptionEntry allow_wide_cwd_entry = { "allow-wide-cwd", 0, 0, G_OPTION_ARG_NONE, &cl->allow_wide_cwd,
                                        "Let a $PWD grant (devshell) share the directory fauxpak runs in even "
                                        "when it is home, above home, / or a system directory", NULL };

  g_array_append_val (entries, app_id_entry);
  g_array_append_val (entries, preset_entry);
  GOptionEntry show_sources_entry = { "sources", 0, 0, G_OPTION_ARG_NONE, &cl->show_sources,
                                      "Say above each permission where it came from (as # comments)", NULL };
  g_array_append_val (entries, allow_wide_cwd_entry);
  GOptionEntry show_dbus_proxy_entry = { "show-dbus-proxy", 0, 0, G_OPTION_ARG_NONE, &cl->show_dbus_proxy,
                                         "Print the D-Bus proxy's command line, one argument a line", NULL };
  GOptionEntry file_forwarding_entry = { "file-forwarding", 0, 0, G_OPTION_ARG_NONE, &cl->run_options.file_forwarding,
                                         "Pass the files between @@ and @@ (URIs between @@u and @@) through the document portal", NULL };
  GOptionEntry file_access_entry = { "file-access", 0, 0, G_OPTION_ARG_FILENAME, &cl->file_access,
                                     "Print whether the sandbox sees PATH: read-write, read-only or hidden", "PATH" };
  GOptionEntry log_session_bus_entry = { "log-session-bus", 0, 0, G_OPTION_ARG_NONE, &cl->run_options.log_session_bus,
                                         "Log the app's session bus traffic, and what the filter denies, on stderr", NULL };
  GOptionEntry log_system_bus_entry = { "log-system-bus", 0, 0, G_OPTION_ARG_NONE, &cl->run_options.log_system_bus,
                                        "Log the app's system bus traffic, and what the filter denies, on stderr", NULL };
  GOptionEntry command_entry = { "command", 0, 0, G_OPTION_ARG_FILENAME, &cl->command,
                                 "Run CMD instead of the profile's command, with the same permissions (a shell to debug an app)", "CMD" };
  GOptionEntry cwd_entry = { "cwd", 0, 0, G_OPTION_ARG_FILENAME, &cl->run_options.cwd,
                             "Start in DIR, a directory inside the sandbox", "DIR" };
  GOptionEntry sandbox_entry = { "sandbox", 0, 0, G_OPTION_ARG_NONE, &cl->sandbox,
                                 "Drop the profile's and the override's permissions (as flatpak run --sandbox); options still add", NULL };
  GOptionEntry outlive_entry = { "no-die-with-parent", 0, 0, G_OPTION_ARG_NONE, &cl->run_options.outlive_launcher,
                                 "Keep the sandbox running when the process that started fauxpak exits (desktop launchers do)", NULL };
  GOptionEntry verbose_entry = { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cl->run_options.verbose,
                                 "Print the permissions granted, the D-Bus proxy's and bubblewrap's command lines on stderr", NULL };

  if (with_show_bwrap)
    {
      g_array_append_val (entries, show_bwrap_entry);
      g_array_append_val (entries, bwrap_data_dir_entry);
      g_array_append_val (entries, show_dbus_proxy_entry);
      g_array_append_val (entries, show_sources_entry);
      g_array_append_val (entries, file_access_entry);
    }
  else
    {
      g_array_append_val (entries, file_forwarding_entry);
      g_array_append_val (entries, cwd_entry);
      g_array_append_val (entries, verbose_entry);
      g_array_append_val (entries, outlive_entry);
    }
  g_array_append_val (entries, command_entry);
  g_array_append_val (entries, sandbox_entry);
  g_array_append_val (entries, log_session_bus_entry);
  g_array_append_val (entries, log_system_bus_entry);
  fp_cmd_add_permission_entries (entries, permission_option_cb);
  g_option_group_add_entries (group, (GOptionEntry *) entries->data);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (cl->option_names, (gpointer) g_array_index (entries, GOptionEntry, i).long_name);
  g_ptr_array_add (cl->option_names, "help");
  g_ptr_array_add (cl->option_names, NULL);
  g_option_context_set_main_group (context, group);
  g_option_context_set_summary (context, summary);
  /* Options end at the profile or command: what follows belongs to the app. */
  g_option_context_set_strict_posix (context, TRUE);
  return context;
}

/* The app's override (fauxpak override) over the profile. */
static gboolean
apply_override (FpProfile *profile, GError **error)
{
  g_autoptr(FpContext) override = NULL;
  g_autofree char *path = NULL;
  g_autofree char *source = NULL;

  if (profile->app_id == NULL)
    return TRUE;  /* fp_profile_validate says what is missing */
  override = fp_override_load (profile->app_id, error);
  if (override == NULL)
    return FALSE;
  path = fp_override_path (profile->app_id, NULL);
  source = g_strdup_printf ("fauxpak override %s", path ? path : profile->app_id);
  fp_profile_merge_layer (profile, override, source);
  return TRUE;
}

/* Builds the final profile from the command line: the profile file (or an
 * ad-hoc command), the app's override, then --preset imports, then
 * permission options. */
static FpProfile *
profile_from_command_line (CommandLine *cl, int argc, char **argv, gboolean needs_command,
                           char ***app_args, GError **error)
{
  g_autoptr(FpProfile) profile = NULL;
  int first = 1;

  if (first < argc && g_str_equal (argv[first], "--"))
    first++;

  if (cl->app_id != NULL && !fp_app_id_validate (cl->app_id, error))
    {
      g_prefix_error (error, "--app-id: ");
      return NULL;
    }

  if (cl->app_id != NULL && (first >= argc || !g_str_has_suffix (argv[first], ".json") ||
                             (first > 1 && g_str_equal (argv[first - 1], "--"))))
    {
      /* Ad-hoc: --app-id=ID -- COMMAND [ARG…] */
      if (first >= argc && needs_command)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "--app-id=%s needs a command: fauxpak run --app-id=%s -- COMMAND [ARG…]",
                       cl->app_id, cl->app_id);
          return NULL;
        }
      profile = fp_profile_new ();
      /* The program is the command, its arguments are the app's, where
       * --file-forwarding looks for @@ as it does after a profile. */
      profile->command = g_strdupv ((char *[]) { first < argc ? argv[first] : "/bin/sh", NULL });
      *app_args = g_strdupv (first < argc ? argv + first + 1 : (char *[]) { NULL });
    }
  else
    {
      if (first >= argc)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "expected a profile (PROFILE.json) or --app-id=ID -- COMMAND; see fauxpak run --help");
          return NULL;
        }
      /* After "--" comes a command, which needs an app id to be one. */
      if (cl->command_follows)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "%s: an ad-hoc sandbox needs an app id, the name portals know the app by: "
                       "fauxpak run --app-id=org.example.App -- %s", argv[first], argv[first]);
          return NULL;
        }
      g_autofree char *path = fp_installed_resolve_profile (argv[first], error);

      if (path == NULL || (profile = fp_profile_load (path, error)) == NULL)
        return NULL;
      *app_args = g_strdupv (argv + first + 1);
    }

  if (cl->app_id != NULL)
    {
      g_free (profile->app_id);
      profile->app_id = g_strdup (cl->app_id);
    }
  if (cl->command != NULL)
    {
      /* As flatpak run --command: the program alone, not the profile's
       * default arguments (the command line's still follow). */
      g_strfreev (profile->command);
      profile->command = g_strdupv ((char *[]) { cl->command, NULL });
    }
  if (!apply_override (profile, error))
    {
      g_clear_pointer (app_args, g_strfreev);
      return NULL;
    }
  /* flatpak run --sandbox: what the app and its override grant goes; the
   * command line's options below still add. */
  if (cl->sandbox)
    fp_context_make_sandboxed (profile->context);
  /* A --preset adds permissions only: who the app is and what runs come
   * from the profile or the command line, never from a preset. */
  for (guint i = 0; i < cl->presets->len; i++)
    {
      g_autoptr(FpProfile) preset = fp_profile_new ();
      g_autofree char *source = g_strdup_printf ("--preset=%s", (char *) cl->presets->pdata[i]);

      if (!fp_profile_import_preset (preset, cl->presets->pdata[i], error))
        {
          g_prefix_error (error, "--preset=%s: ", (char *) cl->presets->pdata[i]);
          g_clear_pointer (app_args, g_strfreev);
          return NULL;
        }
      fp_profile_merge_layer (profile, preset->context, source);
    }
  fp_profile_merge_layer (profile, cl->cli_context, "the command line");
  {
    g_autoptr(GPtrArray) extra = fp_context_to_args (cl->cli_context);

    if (extra->len > 0)
      {
        g_ptr_array_add (extra, NULL);
        profile->extra_args = (GStrv) g_ptr_array_steal (extra, NULL);
      }
  }
  if (!fp_profile_validate (profile, error) || !fp_profile_check_cwd (profile, cl->allow_wide_cwd, error))
    {
      g_clear_pointer (app_args, g_strfreev);
      return NULL;
    }
  return g_steal_pointer (&profile);
}

static void
command_line_clear (CommandLine *cl)
{
  fp_context_free (cl->cli_context);
  g_ptr_array_unref (cl->presets);
  g_free (cl->app_id);
  g_free (cl->bwrap_data_dir);
  g_free (cl->file_access);
  g_free (cl->command);
  g_free (cl->run_options.cwd);
  g_ptr_array_unref (cl->option_names);
}

static gboolean
is_installed_app (const char *arg)
{
  g_autoptr(FpInstalledApp) app = arg[0] != '-' ? fp_installed_app_load (arg, NULL) : NULL;

  return app != NULL;
}

/* Before the keyfile, as comments a keyfile reader skips: what the
 * sandbox gets of the host, for a person deciding whether to run it. */
static void
print_mounts (const char *mounts)
{
  g_auto(GStrv) lines = g_strsplit (mounts, "\n", -1);

  g_print ("# What the sandbox gets, mount by mount in the order they are made: the\n"
           "# host path, how (ro, rw, dev: with device access) and where it appears,\n"
           "# or what the sandbox makes itself (tmpfs, proc, devfs, data), and in\n"
           "# brackets the grant it comes from. Review it before trusting a profile.\n");
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_print ("#   %s\n", lines[i]);
  g_print ("\n");
}

static int
command_run_or_info (int argc, char **argv, gboolean is_run)
{
  CommandLine cl = { .cli_context = fp_context_new (), .presets = g_ptr_array_new_with_free_func (g_free),
                     .option_names = g_ptr_array_new () };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_auto(GStrv) app_args = NULL;
  int status = 0;

  context = is_run
    ? make_option_context ("(PROFILE.json | APP-ID) [ARG…] | --app-id=ID -- COMMAND [ARG…]",
                           "Run an application in a sandbox that portals treat as a Flatpak.\n\n"
                           "Permission options use flatpak run's names and override the profile.\n"
                           "Exit status: the application's own, or 125 when fauxpak refused or\n"
                           "failed to start it.", &cl, FALSE)
    : make_option_context ("(PROFILE.json | APP-ID | --app-id=ID [-- COMMAND…])",
                           "Print the .flatpak-info a launch would write (with --sources, where\n"
                           "each permission came from), or with --show-bwrap the bubblewrap\n"
                           "command line.", &cl, TRUE);

  /* Up to the profile: a "--" among the app's own arguments is theirs. */
  for (int i = 1; i < argc && !g_str_has_suffix (argv[i], ".json") && !is_installed_app (argv[i]); i++)
    if (g_str_equal (argv[i], "--"))
      {
        cl.command_follows = TRUE;
        break;
      }
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fp_cmd_suggest_option (&error, (const char *const *) cl.option_names->pdata);
      status = fp_cmd_refuse ("%s", error->message);
    }
  else if ((profile = profile_from_command_line (&cl, argc, argv, is_run, &app_args, &error)) == NULL)
    status = fp_cmd_refuse ("%s", error->message);
  else if (is_run)
    {
      fp_run_exec (profile, (const char *const *) app_args, &cl.run_options, &error);
      status = fp_cmd_refuse ("cannot start %s: %s", profile->app_id, error->message);
    }
  else
    {
      g_autoptr(GKeyFile) keyfile = NULL;
      g_autoptr(FpBwrap) bwrap = NULL;
      g_autoptr(FpBwrap) proxy = NULL;
      g_autofree char *override = fp_override_path (profile->app_id, NULL);
      g_autofree char *mounts = NULL;

      /* What info prints includes the override: say where it is. */
      if (override != NULL && g_file_test (override, G_FILE_TEST_EXISTS))
        g_printerr ("fauxpak: %s's override applies: %s\n", profile->app_id, override);
      FpSandboxAccess access;
      static const char *const access_names[] = {
        [FP_SANDBOX_ACCESS_HIDDEN] = "hidden",
        [FP_SANDBOX_ACCESS_READ_ONLY] = "read-only",
        [FP_SANDBOX_ACCESS_READ_WRITE] = "read-write",
      };

      if (cl.file_access != NULL)
        {
          if (!fp_run_file_access (profile, cl.file_access, &access, &error))
            status = fp_cmd_refuse ("%s", error->message);
          else
            g_print ("%s\n", access_names[access]);
        }
      else if (cl.show_dbus_proxy)
        {
          if (!fp_run_describe_dbus_proxy (profile, &cl.run_options, &proxy, &error))
            status = fp_cmd_refuse ("%s", error->message);
          else if (proxy == NULL)
            g_printerr ("fauxpak: %s would get no D-Bus proxy: no session bus, or socket=session-bus "
                        "and no system bus policy\n", profile->app_id);
          else
            for (guint i = 0; i < proxy->argv->len; i++)
              g_print ("%s\n", (char *) g_ptr_array_index (proxy->argv, i));
        }
      else if (!fp_run_describe (profile, (const char *const *) app_args, &keyfile, &mounts,
                                 cl.show_bwrap ? &bwrap : NULL, &error))
        status = fp_cmd_refuse ("%s", error->message);
      else if (cl.show_bwrap && cl.bwrap_data_dir != NULL &&
               !fp_bwrap_save_fds (bwrap, cl.bwrap_data_dir, &error))
        status = fp_cmd_refuse ("--bwrap-data-dir: %s", error->message);
      else if (cl.show_bwrap)
        for (guint i = 0; i < bwrap->argv->len; i++)
          g_print ("%s\n", (char *) g_ptr_array_index (bwrap->argv, i));
      else
        {
          g_autofree char *data = NULL;

          print_mounts (mounts);
          if (cl.show_sources)
            fp_origins_annotate (profile->origins, keyfile);
          data = g_key_file_to_data (keyfile, NULL, NULL);
          g_print ("%s", data);
        }
    }
  command_line_clear (&cl);
  return status;
}

/* Every command but run and info: one line each, so that a new command
 * is one new line. `help` is the summary `fauxpak help` prints. */
static const struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *usage;
} commands[] = {
  { "ps", fp_cmd_ps, "ps [--json] [--columns=FIELD,…]" },
  { "kill", fp_cmd_kill, "kill INSTANCE|APP-ID" },
  { "enter", fp_cmd_enter, "enter INSTANCE|APP-ID COMMAND [ARG…]" },
  { "override", fp_cmd_override, "override [PERMISSIONS] APP-ID | --reset APP-ID | --show APP-ID" },
  { "permissions", fp_cmd_permissions, "permissions [--reset] APP-ID" },
  { "documents", fp_cmd_documents, "documents [APP-ID]" },
  { "document-export", fp_cmd_document_export, "document-export [--app=APP-ID] FILE" },
  { "document-unexport", fp_cmd_document_unexport, "document-unexport FILE" },
  { "presets", fp_cmd_presets, "presets" },
  { "install", fp_cmd_install, "install PROFILE.json" },
  { "uninstall", fp_cmd_uninstall, "uninstall [--delete-data] APP-ID" },
  { "list", fp_cmd_list, "list [--json]" },
  { "portal-front", fp_cmd_portal_front, "portal-front (enable | disable | status)" },
  { "complete", fp_cmd_complete, NULL },  /* for shell completion: not in help */
};

static int
command_help (void)
{
  g_print ("Usage:\n"
           "  fauxpak run [PERMISSIONS] PROFILE.json [ARG…]\n"
           "  fauxpak run [PERMISSIONS] APP-ID [ARG…]       (an app installed with fauxpak install)\n"
           "  fauxpak run [PERMISSIONS] --app-id=ID -- COMMAND [ARG…]\n"
           "  fauxpak run --file-forwarding … [ARG…] @@ FILE… @@ [@@u URI… @@]\n"
           "  fauxpak info [PERMISSIONS] [--sources | --show-bwrap | --show-dbus-proxy | --file-access=PATH]\n"
           "               (PROFILE.json | APP-ID | --app-id=ID)\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].usage != NULL)
      g_print ("  fauxpak %s\n", commands[i].usage);
  g_print ("  fauxpak help | --version\n"
           "\n"
           "Runs an application in a bubblewrap sandbox that xdg-desktop-portal and the\n"
           "document portal treat as a Flatpak. `fauxpak run --help` lists the\n"
           "permission options; they are flatpak run's. `fauxpak COMMAND --help`\n"
           "describes each command; man fauxpak describes them all.\n"
           "\n"
           "Exit status: the application's own (run, enter); 125 when fauxpak refused\n"
           "or failed (the message says why).\n");
  return 0;
}

static int
unknown_command (const char *name)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *suggestion = NULL;

  g_ptr_array_add (names, "run");
  g_ptr_array_add (names, "info");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].usage != NULL)
      g_ptr_array_add (names, (gpointer) commands[i].name);
  g_ptr_array_add (names, "help");
  g_ptr_array_add (names, NULL);
  suggestion = fp_suggest_text (name, (const char *const *) names->pdata);
  return fp_cmd_refuse ("unknown command \"%s\"%s; see fauxpak help", name, suggestion);
}

int
main (int argc, char **argv)
{
  /* Only the character set: loading every locale category costs the
   * launch more than the rest of fauxpak's own work. */
  setlocale (LC_CTYPE, "");

  if (argc < 2)
    {
      command_help ();
      return FP_EXIT_REFUSED;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("fauxpak %s\n", FAUXPAK_VERSION);
      return 0;
    }
  if (g_str_equal (argv[1], "help") || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    return command_help ();
  if (g_str_equal (argv[1], "run"))
    return command_run_or_info (argc - 1, argv + 1, TRUE);
  if (g_str_equal (argv[1], "info"))
    return command_run_or_info (argc - 1, argv + 1, FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);
  return unknown_command (argv[1]);
}
