/* What a sandbox looks like from inside, one fact a line, for the
 * differential suite (tests/integration/test-differential.sh): the same
 * probe runs under the real `flatpak run` and under `fauxpak run`, and the
 * two outputs are compared after normalising what must differ.
 *
 *   probe [--path=P]… [--talk=NAME]… [--own=NAME]… [--tcp=PORT]
 *
 * Lines are "SECTION<TAB>KEY<TAB>VALUE":
 *   path   P           absent | TYPE ro|rw   (for each --path; the mount's flag)
 *   dev    NAME        TYPE                  (the entries of /dev)
 *   sys    NAME        TYPE                  (the entries of /sys)
 *   net    IFACE       present               (from /proc/net/dev)
 *   tcp    PORT        reachable|unreachable (127.0.0.1:PORT of the host)
 *   env    NAME        VALUE
 *   rundir RELPATH     TYPE                  ($XDG_RUNTIME_DIR, two levels, links followed)
 *   info   GROUP/KEY   VALUE                 (/.flatpak-info)
 *   xdg    DOWNLOAD…   PATH                  (g_get_user_special_dir)
 *   cwd    -           PATH                  (where the app starts)
 *   bus    see NAME    visible               (ListNames on the session bus)
 *   bus    talk NAME   yes|no                (Peer.Ping through the bus)
 *   bus    own NAME    yes|no                (RequestName)
 *
 * It is linked against GIO (D-Bus and the keyfile are not parsed by hand);
 * the test copies its libraries into the hand-made Flatpak runtime. */
#include <arpa/inet.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static void
emit (const char *section, const char *key, const char *value)
{
  printf ("%s\t%s\t%s\n", section, key, value);
}

static const char *
type_of (mode_t mode)
{
  if (S_ISDIR (mode))
    return "dir";
  if (S_ISREG (mode))
    return "file";
  if (S_ISLNK (mode))
    return "link";
  if (S_ISSOCK (mode))
    return "socket";
  if (S_ISCHR (mode))
    return "chardev";
  if (S_ISBLK (mode))
    return "blockdev";
  if (S_ISFIFO (mode))
    return "fifo";
  return "other";
}

static gboolean
mount_is_read_only (const char *path)
{
  struct statvfs fs;

  return statvfs (path, &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0;
}

static void
probe_path (const char *path)
{
  struct stat st;
  g_autofree char *value = NULL;

  if (lstat (path, &st) != 0)
    {
      emit ("path", path, "absent");
      return;
    }
  /* A link is reported with what it leads to, as an app would use it. */
  if (S_ISLNK (st.st_mode))
    {
      struct stat target;

      if (stat (path, &target) != 0)
        {
          emit ("path", path, "dangling-link");
          return;
        }
      st = target;
    }
  /* The mount's flag, not access(2): root keeps CAP_DAC_OVERRIDE under
   * one sandbox and not the other, which says nothing about the mount. */
  value = g_strdup_printf ("%s %s", type_of (st.st_mode), mount_is_read_only (path) ? "ro" : "rw");
  emit ("path", path, value);
}

static void
list_dir (const char *section, const char *dir, const char *prefix, int depth, gboolean follow)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *key = prefix ? g_build_filename (prefix, name, NULL) : g_strdup (name);
      struct stat st;

      if ((follow ? stat (path, &st) : lstat (path, &st)) != 0)
        continue;
      emit (section, key, type_of (st.st_mode));
      if (depth > 1 && S_ISDIR (st.st_mode))
        list_dir (section, path, key, depth - 1, follow);
    }
}

static void
probe_network (const char *tcp_port)
{
  g_autofree char *contents = NULL;

  if (g_file_get_contents ("/proc/net/dev", &contents, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

      for (guint i = 2; lines[i] != NULL; i++)
        {
          g_autofree char *name = NULL;
          char *colon = strchr (lines[i], ':');

          if (colon == NULL)
            continue;
          name = g_strstrip (g_strndup (lines[i], colon - lines[i]));
          emit ("net", name, "present");
        }
    }
  if (tcp_port != NULL)
    {
      struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (atoi (tcp_port)) };
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

      addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      emit ("tcp", tcp_port,
            fd >= 0 && connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0 ? "reachable" : "unreachable");
      if (fd >= 0)
        close (fd);
    }
}

static void
probe_environment (void)
{
  g_auto(GStrv) env = g_get_environ ();

  for (guint i = 0; env[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (env[i], strcspn (env[i], "="));
      const char *value = env[i] + strlen (name);

      emit ("env", name, *value == '=' ? value + 1 : "");
    }
}

static void
probe_flatpak_info (void)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (keyfile, "/.flatpak-info", G_KEY_FILE_NONE, NULL))
    {
      emit ("info", "-", "absent");
      return;
    }
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (keyfile, groups[i], NULL, NULL);

      for (guint j = 0; keys != NULL && keys[j] != NULL; j++)
        {
          g_autofree char *key = g_strdup_printf ("%s/%s", groups[i], keys[j]);
          g_autofree char *value = g_key_file_get_value (keyfile, groups[i], keys[j], NULL);

          emit ("info", key, value ? value : "");
        }
    }
}

static void
probe_user_dirs (void)
{
  static const struct { const char *name; GUserDirectory dir; } dirs[] = {
    { "DESKTOP", G_USER_DIRECTORY_DESKTOP }, { "DOCUMENTS", G_USER_DIRECTORY_DOCUMENTS },
    { "DOWNLOAD", G_USER_DIRECTORY_DOWNLOAD }, { "MUSIC", G_USER_DIRECTORY_MUSIC },
    { "PICTURES", G_USER_DIRECTORY_PICTURES }, { "PUBLICSHARE", G_USER_DIRECTORY_PUBLIC_SHARE },
    { "TEMPLATES", G_USER_DIRECTORY_TEMPLATES }, { "VIDEOS", G_USER_DIRECTORY_VIDEOS },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      const char *path = g_get_user_special_dir (dirs[i].dir);

      emit ("xdg", dirs[i].name, path ? path : "(none)");
    }
}

static void
probe_bus (char **talk, char **own)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) names = NULL;

  if (bus == NULL)
    {
      emit ("bus", "connect", "no");
      return;
    }
  emit ("bus", "connect", "yes");
  names = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "ListNames", NULL,
                                       G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (names != NULL)
    {
      g_autoptr(GVariantIter) iter = NULL;
      const char *name;

      g_variant_get (names, "(as)", &iter);
      while (g_variant_iter_next (iter, "&s", &name))
        if (name[0] != ':')
          {
            g_autofree char *key = g_strconcat ("see ", name, NULL);
            emit ("bus", key, "visible");
          }
    }
  for (guint i = 0; talk != NULL && talk[i] != NULL; i++)
    {
      g_autofree char *key = g_strconcat ("talk ", talk[i], NULL);
      g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync (bus, talk[i], "/", "org.freedesktop.DBus.Peer", "Ping", NULL,
                                     NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, NULL);

      emit ("bus", key, reply != NULL ? "yes" : "no");
    }
  for (guint i = 0; own != NULL && own[i] != NULL; i++)
    {
      g_autofree char *key = g_strconcat ("own ", own[i], NULL);
      g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "RequestName",
                                     g_variant_new ("(su)", own[i], 4 /* DO_NOT_QUEUE */),
                                     G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
      guint32 result = 0;

      if (reply != NULL)
        g_variant_get (reply, "(u)", &result);
      emit ("bus", key, result == 1 ? "yes" : "no");
    }
}

int
main (int argc, char **argv)
{
  g_auto(GStrv) paths = NULL;
  g_auto(GStrv) talk = NULL;
  g_auto(GStrv) own = NULL;
  g_autofree char *tcp = NULL;
  const GOptionEntry entries[] = {
    { "path", 0, 0, G_OPTION_ARG_STRING_ARRAY, &paths, "A path to report on", "PATH" },
    { "talk", 0, 0, G_OPTION_ARG_STRING_ARRAY, &talk, "A bus name to ping", "NAME" },
    { "own", 0, 0, G_OPTION_ARG_STRING_ARRAY, &own, "A bus name to request", "NAME" },
    { "tcp", 0, 0, G_OPTION_ARG_STRING, &tcp, "A host loopback port to connect to", "PORT" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- report what the sandbox shows");
  g_autoptr(GError) error = NULL;
  const char *runtime_dir = g_getenv ("XDG_RUNTIME_DIR");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("probe: %s\n", error->message);
      return 2;
    }
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    probe_path (paths[i]);
  list_dir ("dev", "/dev", NULL, 1, FALSE);
  list_dir ("sys", "/sys", NULL, 1, FALSE);
  probe_network (tcp);
  probe_environment ();
  if (runtime_dir != NULL)
    list_dir ("rundir", runtime_dir, NULL, 2, TRUE);  /* as the app uses them */
  probe_flatpak_info ();
  probe_user_dirs ();
  {
    g_autofree char *cwd = g_get_current_dir ();
    emit ("cwd", "-", cwd);
  }
  probe_bus (talk, own);
  return 0;
}
