/* fauxpak portal-front enable|disable|status: puts fauxpak's `flatpak`
 * front first on the PATH of the document portal and xdg-desktop-portal
 * in a systemd user session, with a drop-in per service, so that their
 * `flatpak info --file-access` and `flatpak run` reach fauxpak's apps. */
#include "config.h"
#include "fp-cmd-portal-front.h"
#include "fp-cmd.h"
#include "fp-run.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

static const char *const portal_units[] = {
  "xdg-document-portal.service", "xdg-desktop-portal.service", NULL
};

#define DROP_IN_NAME "fauxpak-flatpak-front.conf"

/* The installed front, or the build tree's before `meson install`. */
static char *
front_dir (void)
{
  const char *const dirs[] = { FAUXPAK_FLATPAK_FRONT_DIR, FAUXPAK_BUILD_FLATPAK_FRONT_DIR };

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *program = g_build_filename (dirs[i], "flatpak", NULL);

      if (g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (dirs[i]);
    }
  return NULL;
}

static char *
drop_in_path (const char *unit)
{
  g_autofree char *dir_name = g_strconcat (unit, ".d", NULL);

  return g_build_filename (g_get_user_config_dir (), "systemd", "user", dir_name, DROP_IN_NAME, NULL);
}

/* `PATH=FRONT:PATH` for Environment=, quoted as systemd reads it: \ and "
 * escaped, % doubled (a specifier otherwise). The front's own directory
 * is not repeated. */
static char *
environment_line (const char *front)
{
  g_auto(GStrv) dirs = g_strsplit (g_getenv ("PATH") ? g_getenv ("PATH") : "/usr/local/bin:/usr/bin:/bin", ":", -1);
  g_autoptr(GString) path = g_string_new (front);
  g_autoptr(GString) line = g_string_new ("Environment=\"PATH=");

  for (guint i = 0; dirs[i] != NULL; i++)
    if (*dirs[i] != '\0' && !g_str_equal (dirs[i], front))
      g_string_append_printf (path, ":%s", dirs[i]);
  for (const char *p = path->str; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (line, '\\');
      if (*p == '%')
        g_string_append_c (line, '%');
      g_string_append_c (line, *p);
    }
  g_string_append (line, "\"\n");
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* systemctl --user ARG…: its output, or NULL (with why in *error) when
 * there is no systemctl or no user manager to ask. */
static char *
systemctl_user (GError **error, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *systemctl = g_find_program_in_path ("systemctl");
  const char *arg;
  va_list args;

  if (systemctl == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "systemctl is not installed");
      return NULL;
    }
  g_ptr_array_add (argv, systemctl);
  g_ptr_array_add (argv, "--user");
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", err != NULL ? g_strstrip (err) : "failed");
      return NULL;
    }
  return g_steal_pointer (&out);
}

static void
reload_manager (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = systemctl_user (&error, "daemon-reload", NULL);

  if (out == NULL)
    g_print ("No systemd user manager was reloaded (%s); the change takes effect when the portals "
             "next start under one.\n", error->message);
  else
    g_print ("Reloaded the systemd user manager. Restart the portals (or log in again) for it to "
             "take effect:\n  systemctl --user restart xdg-document-portal.service xdg-desktop-portal.service\n");
}

static int
enable (void)
{
  g_autofree char *front = front_dir ();
  g_autofree char *line = NULL;

  if (front == NULL)
    return fp_cmd_refuse ("portal-front: the flatpak front is not installed (looked for %s/flatpak and %s/flatpak)",
                          FAUXPAK_FLATPAK_FRONT_DIR, FAUXPAK_BUILD_FLATPAK_FRONT_DIR);
  line = environment_line (front);
  for (guint i = 0; portal_units[i] != NULL; i++)
    {
      g_autofree char *path = drop_in_path (portal_units[i]);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *contents = g_strconcat ("# Written by `fauxpak portal-front enable`; "
                                               "`fauxpak portal-front disable` removes it.\n"
                                               "# Puts fauxpak's flatpak front first on the portal's PATH.\n"
                                               "[Service]\n", line, NULL);
      g_autoptr(GError) error = NULL;

      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          return fp_cmd_refuse ("portal-front: cannot create %s: %s", dir, g_strerror (errno));
        }
      if (!g_file_set_contents (path, contents, -1, &error))
        {
          return fp_cmd_refuse ("portal-front: %s", error->message);
        }
      g_print ("Wrote %s\n", path);
    }
  reload_manager ();
  return 0;
}

static int
disable (void)
{
  for (guint i = 0; portal_units[i] != NULL; i++)
    {
      g_autofree char *path = drop_in_path (portal_units[i]);
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_unlink (path) == 0)
        g_print ("Removed %s\n", path);
      else if (errno != ENOENT)
        {
          return fp_cmd_refuse ("portal-front: cannot remove %s: %s", path, g_strerror (errno));
        }
      g_rmdir (dir);  /* only if empty: other drop-ins stay */
    }
  reload_manager ();
  return 0;
}

/* Whether process `pid` has the front's directory first on its PATH. */
static const char *
process_path_state (const char *pid, const char *front)
{
  g_autofree char *environ_path = g_build_filename ("/proc", pid, "environ", NULL);
  g_autofree char *environ = NULL;
  g_autofree char *expected = g_strconcat ("PATH=", front, ":", NULL);
  gsize length;

  if (!g_file_get_contents (environ_path, &environ, &length, NULL))
    return "cannot be read";
  for (gsize at = 0; at < length; at += strlen (environ + at) + 1)
    if (g_str_has_prefix (environ + at, "PATH="))
      return g_str_has_prefix (environ + at, expected) ? "has the front first on its PATH"
                                                       : "does NOT have the front on its PATH (restart it)";
  return "has no PATH";
}

static int
status (void)
{
  g_autofree char *front = front_dir ();
  gboolean enabled = TRUE;

  g_print ("Front: %s\n", front ? front : "not installed");
  for (guint i = 0; portal_units[i] != NULL; i++)
    {
      g_autofree char *path = drop_in_path (portal_units[i]);
      g_autoptr(GError) error = NULL;
      g_autofree char *shown = NULL;
      gboolean present = g_file_test (path, G_FILE_TEST_IS_REGULAR);

      enabled &= present;
      g_print ("%s: drop-in %s %s\n", portal_units[i], path, present ? "present" : "absent");
      shown = systemctl_user (&error, "show", "--property=MainPID", "--value", portal_units[i], NULL);
      if (shown == NULL)
        g_print ("  no systemd user manager to ask (%s)\n", error->message);
      else if (g_str_equal (g_strstrip (shown), "0") || front == NULL)
        g_print ("  not running\n");
      else
        g_print ("  running as pid %s, which %s\n", shown, process_path_state (shown, front));
    }
  g_print ("The front is %s.\n", enabled ? "enabled" : "not enabled");
  return enabled ? 0 : 1;
}

int
fp_cmd_portal_front (int argc, char **argv)
{
  if (argc == 2 && g_str_equal (argv[1], "enable"))
    return enable ();
  if (argc == 2 && g_str_equal (argv[1], "disable"))
    return disable ();
  if (argc == 2 && g_str_equal (argv[1], "status"))
    return status ();
  g_printerr ("fauxpak: portal-front: expected enable, disable or status\n"
              "  enable   put fauxpak's flatpak front first on the PATH of xdg-document-portal\n"
              "           and xdg-desktop-portal (systemd user drop-ins)\n"
              "  disable  remove those drop-ins\n"
              "  status   show the drop-ins and whether the running portals have the front\n");
  return argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")) ? 0 : FP_EXIT_REFUSED;
}
