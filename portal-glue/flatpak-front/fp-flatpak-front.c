/* `flatpak`, as the portals call it, for apps installed with fauxpak.
 * Portals run `flatpak info --file-access=PATH APP-ID` (may the app see
 * PATH already?) and write `flatpak run --command=CMD APP-ID` lines; for
 * an app fauxpak installed, this program runs fauxpak's answer instead,
 * and hands every other command line to the real flatpak as it is. It is
 * installed alone in a directory of its own, to be put first on the
 * portal services' PATH (fauxpak portal-front enable). */
#include "config.h"
#include "fp-installed.h"

#include <errno.h>
#include <gio/gio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Options of flatpak info and run that take a value, which may come as
 * the next argument ("--command CMD"). */
static const char *const valued_options[] = {
  "--arch", "--branch", "--commit", "--runtime", "--runtime-version", "--runtime-commit",
  "--command", "--cwd", "--app-path", "--usr-path", "--parent-pid", "--instance-id-fd",
  "--share", "--unshare", "--socket", "--nosocket", "--device", "--nodevice", "--allow",
  "--disallow", "--filesystem", "--nofilesystem", "--add-policy", "--remove-policy", "--env",
  "--env-fd", "--unset-env", "--own-name", "--talk-name", "--no-talk-name", "--see-name",
  "--system-own-name", "--system-talk-name", "--system-no-talk-name", "--system-see-name",
  "--persist", "--file-access", "--installation", "--extension", NULL
};

/* flatpak run options that choose among Flatpak's installed builds: a
 * fauxpak app has one. */
static const char *const dropped_run_options[] = {
  "--arch", "--branch", "--commit", "--runtime", "--runtime-version", "--runtime-commit",
  "--die-with-parent", "-p", "--a11y-bus", "--no-a11y-bus", "--user", "--system", NULL
};

typedef struct {
  GPtrArray *options;  /* --name=value, normalised */
  const char *app_id;
  char **app_args;     /* after the app id */
} Parsed;

static gboolean
is_valued (const char *arg)
{
  return g_strv_contains (valued_options, arg);
}

/* Splits `flatpak info|run [OPTION…] APP-ID [ARG…]`. FALSE when there is
 * no app id (then the command is not ours to answer). */
static gboolean
parse (int argc, char **argv, Parsed *parsed)
{
  parsed->options = g_ptr_array_new_with_free_func (g_free);
  for (int i = 2; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--"))
        {
          if (i + 1 >= argc)
            return FALSE;
          parsed->app_id = argv[i + 1];
          parsed->app_args = argv + i + 2;
          return TRUE;
        }
      if (arg[0] != '-')
        {
          parsed->app_id = arg;
          parsed->app_args = argv + i + 1;
          return TRUE;
        }
      if (is_valued (arg) && i + 1 < argc)
        {
          g_ptr_array_add (parsed->options, g_strconcat (arg, "=", argv[i + 1], NULL));
          i++;
        }
      else
        g_ptr_array_add (parsed->options, g_strdup (arg));
    }
  return FALSE;
}

static gboolean
option_is (const char *option, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      gsize len = strlen (names[i]);

      if (strncmp (option, names[i], len) == 0 && (option[len] == '\0' || option[len] == '='))
        return TRUE;
    }
  return FALSE;
}

/* The real flatpak: the first on PATH that is not this program nor in
 * this program's directory. */
static char *
find_real_flatpak (const char *self)
{
  g_autofree char *self_dir = g_path_get_dirname (self);
  g_autofree char *real_self_dir = realpath (self_dir, NULL);
  const char *path = g_getenv ("PATH");
  g_auto(GStrv) dirs = g_strsplit (path != NULL ? path : "/usr/local/bin:/usr/bin:/bin", ":", -1);

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_canonicalize_filename (*dirs[i] != '\0' ? dirs[i] : ".", NULL);
      g_autofree char *real_dir = realpath (dir, NULL);
      g_autofree char *candidate = g_build_filename (dir, "flatpak", NULL);
      g_autofree char *real_candidate = realpath (candidate, NULL);

      if (real_dir == NULL || real_candidate == NULL || g_strcmp0 (real_dir, real_self_dir) == 0 ||
          g_str_equal (real_candidate, self) || !g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE) ||
          g_file_test (candidate, G_FILE_TEST_IS_DIR))
        continue;
      return g_steal_pointer (&candidate);
    }
  return NULL;
}

static int
run_real_flatpak (const char *self, char **argv, const char *app_id)
{
  g_autofree char *real = find_real_flatpak (self);

  if (real == NULL)
    {
      if (app_id != NULL)
        g_printerr ("flatpak: %s is not an app installed with fauxpak, and Flatpak is not installed\n", app_id);
      else
        g_printerr ("flatpak: Flatpak is not installed\n");
      g_printerr ("(this flatpak, %s, is fauxpak's front for the portals: it answers `info --file-access` "
                  "and `run` for apps installed with `fauxpak install` and hands the rest to Flatpak)\n", self);
      return 1;
    }
  execv (real, argv);
  g_printerr ("flatpak: cannot run %s: %s\n", real, g_strerror (errno));
  return 1;
}

static int
run_fauxpak (const FpInstalledApp *app, GPtrArray *argv)
{
  g_ptr_array_add (argv, NULL);
  execv (app->fauxpak, (char **) argv->pdata);
  g_printerr ("flatpak: cannot run fauxpak (%s), which installed %s: %s; install the app again\n",
              app->fauxpak, app->app_id, g_strerror (errno));
  return 1;
}

int
main (int argc, char **argv)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(FpInstalledApp) app = NULL;
  g_autoptr(GPtrArray) fauxpak_argv = g_ptr_array_new ();
  Parsed parsed = { 0 };
  gboolean is_info, is_run;
  int status;

  setlocale (LC_CTYPE, "");
  if (self == NULL)
    self = g_strdup (argv[0]);
  is_info = argc > 1 && g_str_equal (argv[1], "info");
  is_run = argc > 1 && g_str_equal (argv[1], "run");
  if ((!is_info && !is_run) || !parse (argc, argv, &parsed) ||
      (app = fp_installed_app_load (parsed.app_id, NULL)) == NULL)
    {
      status = run_real_flatpak (self, argv, parsed.app_id);
      g_clear_pointer (&parsed.options, g_ptr_array_unref);
      return status;
    }

  g_ptr_array_add (fauxpak_argv, app->fauxpak);
  g_ptr_array_add (fauxpak_argv, argv[1]);
  for (guint i = 0; i < parsed.options->len; i++)
    {
      const char *option = g_ptr_array_index (parsed.options, i);

      /* info answers --file-access alone; the rest describes Flatpak refs. */
      if (is_info ? g_str_has_prefix (option, "--file-access=") : !option_is (option, dropped_run_options))
        g_ptr_array_add (fauxpak_argv, (gpointer) option);
    }
  g_ptr_array_add (fauxpak_argv, app->app_id);
  for (guint i = 0; is_run && parsed.app_args[i] != NULL; i++)
    g_ptr_array_add (fauxpak_argv, parsed.app_args[i]);
  status = run_fauxpak (app, fauxpak_argv);
  g_ptr_array_unref (parsed.options);
  return status;
}
