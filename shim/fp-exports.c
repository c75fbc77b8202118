#include "fp-exports.h"
#include "fp-error.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define DESKTOP_GROUP G_KEY_FILE_DESKTOP_GROUP
#define ACTION_GROUP_PREFIX "Desktop Action "
#define DBUS_SERVICE_GROUP "D-BUS Service"

/* Icon sizes of hicolor's index.theme: a theme looks only there. */
static const int icon_sizes[] = { 16, 22, 24, 32, 36, 48, 64, 72, 96, 128, 192, 256, 512 };

/* One Exec argument, quoted as the Desktop Entry Specification asks: in
 * double quotes when it holds a reserved character, with ", `, $ and \
 * escaped. `literal` also doubles '%' (a path, never a field code). */
static void
append_exec_arg (GString *exec, const char *arg, gboolean literal)
{
  static const char reserved[] = " \t\n\"'\\><~|&;$*?#()`";
  gboolean quote = *arg == '\0' || strpbrk (arg, reserved) != NULL;

  if (exec->len > 0)
    g_string_append_c (exec, ' ');
  if (quote)
    g_string_append_c (exec, '"');
  for (const char *p = arg; *p != '\0'; p++)
    {
      if (quote && strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (exec, '\\');
      if (literal && *p == '%')
        g_string_append_c (exec, '%');
      g_string_append_c (exec, *p);
    }
  if (quote)
    g_string_append_c (exec, '"');
}

static gboolean
is_file_code (const char *arg)
{
  return g_str_equal (arg, "%f") || g_str_equal (arg, "%F");
}

static gboolean
is_uri_code (const char *arg)
{
  return g_str_equal (arg, "%u") || g_str_equal (arg, "%U");
}

/* `fauxpak run [--file-forwarding] APP-ID ARG…`: files and URIs the
 * desktop passes go between @@ and @@ (@@u and @@), so that those the
 * sandbox does not see reach it through the document portal. */
static char *
make_exec (const char *fauxpak, const char *app_id, const char *const *args)
{
  g_autoptr(GString) exec = g_string_new (NULL);
  gboolean forwarding = FALSE;

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    forwarding |= is_file_code (args[i]) || is_uri_code (args[i]);
  append_exec_arg (exec, fauxpak, TRUE);
  /* A desktop launcher (gio launch, a menu) exits once it has started
   * the app, as flatpak run's desktop entries expect: the app goes on. */
  g_string_append (exec, " run --no-die-with-parent");
  if (forwarding)
    g_string_append (exec, " --file-forwarding");
  append_exec_arg (exec, app_id, TRUE);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      if (is_file_code (args[i]))
        g_string_append_printf (exec, " @@ %s @@", args[i]);
      else if (is_uri_code (args[i]))
        g_string_append_printf (exec, " @@u %s @@", args[i]);
      else
        append_exec_arg (exec, args[i], FALSE);
    }
  return g_string_free (g_steal_pointer (&exec), FALSE);
}

/* The app's own desktop file: the profile's "desktop.file", else
 * <app-id>.desktop, else <command>.desktop in $XDG_DATA_DIRS. */
static char *
find_own_desktop_file (const FpProfile *profile)
{
  const char *const *dirs = g_get_system_data_dirs ();
  g_autofree char *program = g_path_get_basename (profile->command[0]);
  g_autofree char *by_id = g_strconcat (profile->app_id, ".desktop", NULL);
  g_autofree char *by_program = g_strconcat (program, ".desktop", NULL);
  const char *names[] = { by_id, by_program };

  if (profile->desktop.file != NULL)
    return g_strdup (profile->desktop.file);
  for (gsize n = 0; n < G_N_ELEMENTS (names); n++)
    for (guint i = 0; dirs[i] != NULL; i++)
      {
        g_autofree char *path = g_build_filename (dirs[i], "applications", names[n], NULL);

        if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
          return g_steal_pointer (&path);
      }
  return NULL;
}

/* Rewrites the Exec of `group`: the app's arguments stay, its program
 * becomes the profile's command run by fauxpak. */
static gboolean
rewrite_exec (GKeyFile *keyfile, const char *group, const FpProfile *profile,
              const char *fauxpak, const char *source, GError **error)
{
  g_autofree char *exec = g_key_file_get_string (keyfile, group, G_KEY_FILE_DESKTOP_KEY_EXEC, NULL);
  g_auto(GStrv) argv = NULL;
  g_autofree char *new_exec = NULL;
  GError *local_error = NULL;

  if (exec != NULL && !g_shell_parse_argv (exec, NULL, &argv, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "%s: [%s] Exec=%s: %s", source, group, exec, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  if (argv != NULL)
    {
      g_autofree char *program = g_path_get_basename (argv[0]);
      g_autofree char *command = g_path_get_basename (profile->command[0]);

      if (!g_str_equal (program, command))
        g_printerr ("fauxpak: %s: [%s] runs %s, not the profile's %s; the installed entry runs "
                    "the profile's command with the entry's arguments\n", source, group, argv[0],
                    profile->command[0]);
    }
  new_exec = make_exec (fauxpak, profile->app_id, argv != NULL ? (const char *const *) argv + 1 : NULL);
  g_key_file_set_string (keyfile, group, G_KEY_FILE_DESKTOP_KEY_EXEC, new_exec);
  return TRUE;
}

static char *
app_id_last_element (const char *app_id)
{
  const char *dot = strrchr (app_id, '.');

  return g_strdup (dot != NULL ? dot + 1 : app_id);
}

GKeyFile *
fp_exports_desktop_entry (const FpProfile *profile,
                          const char      *fauxpak,
                          GError         **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *source = find_own_desktop_file (profile);
  const FpDesktopEntry *desktop = &profile->desktop;
  g_auto(GStrv) groups = NULL;

  if (source != NULL)
    {
      g_autofree char *type = NULL;

      if (!g_key_file_load_from_file (keyfile, source, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, error))
        {
          g_prefix_error (error, "%s%s: ", desktop->file != NULL ? "key \"desktop.file\": " : "", source);
          return NULL;
        }
      type = g_key_file_get_string (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, NULL);
      if (g_strcmp0 (type, G_KEY_FILE_DESKTOP_TYPE_APPLICATION) != 0)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "%s: expected a [Desktop Entry] with Type=Application, found %s%s",
                       source, type ? "Type=" : "none", type ? type : "");
          return NULL;
        }
      g_key_file_remove_key (keyfile, DESKTOP_GROUP, "X-Flatpak-RenamedFrom", NULL);
      {
        g_autofree char *basename = g_path_get_basename (source);
        g_autofree char *own_name = g_strconcat (profile->app_id, ".desktop", NULL);

        if (!g_str_equal (basename, own_name))
          g_key_file_set_string_list (keyfile, DESKTOP_GROUP, "X-Flatpak-RenamedFrom",
                                      (const char *const[]) { basename, NULL }, 1);
      }
    }
  else
    {
      g_autofree char *name = app_id_last_element (profile->app_id);

      g_key_file_set_string (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                             G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
      g_key_file_set_string (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, name);
      g_key_file_set_boolean (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
      g_autoptr(GString) exec = g_string_new (NULL);

      /* What it opens comes as files; without MIME types, nothing. */
      append_exec_arg (exec, profile->command[0], TRUE);
      if (desktop->mime_types != NULL)
        g_string_append (exec, " %F");
      g_key_file_set_string (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec->str);
    }

  if (desktop->name != NULL)
    g_key_file_set_string (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, desktop->name);
  if (desktop->comment != NULL)
    g_key_file_set_string (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT, desktop->comment);
  if (desktop->icon != NULL)
    g_key_file_set_string (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, desktop->icon);
  if (desktop->categories != NULL)
    g_key_file_set_string_list (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_CATEGORIES,
                                (const char *const *) desktop->categories,
                                g_strv_length (desktop->categories));
  if (desktop->mime_types != NULL)
    g_key_file_set_string_list (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_MIME_TYPE,
                                (const char *const *) desktop->mime_types,
                                g_strv_length (desktop->mime_types));

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if ((g_str_equal (groups[i], DESKTOP_GROUP) || g_str_has_prefix (groups[i], ACTION_GROUP_PREFIX)) &&
        !rewrite_exec (keyfile, groups[i], profile, fauxpak, source ? source : "profile", error))
      return NULL;
  /* Hidden from menus once fauxpak is gone, as Flatpak's entries are. */
  g_key_file_set_string (keyfile, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TRY_EXEC, fauxpak);
  /* Portals take the app for a Flatpak of this id. */
  g_key_file_set_string (keyfile, DESKTOP_GROUP, "X-Flatpak", profile->app_id);
  return g_steal_pointer (&keyfile);
}

static gboolean
ensure_parent (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* The caller removed the app's previous exports: a file still at `dest`
 * is someone else's (a desktop file written by hand, say), never
 * overwritten. */
static gboolean
ensure_free (const char *dest, GError **error)
{
  if (!g_file_test (dest, G_FILE_TEST_EXISTS) && !g_file_test (dest, G_FILE_TEST_IS_SYMLINK))
    return TRUE;
  g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
               "%s exists and was not written by fauxpak install; move it away and install again", dest);
  return FALSE;
}

static gboolean
copy_icon (const char *source, const char *dest, GPtrArray *written, GError **error)
{
  g_autoptr(GFile) from = g_file_new_for_path (source);
  g_autoptr(GFile) to = g_file_new_for_path (dest);

  if (!ensure_free (dest, error) || !ensure_parent (dest, error))
    return FALSE;
  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    {
      g_prefix_error (error, "cannot copy the icon %s to %s: ", source, dest);
      return FALSE;
    }
  g_ptr_array_add (written, g_strdup (dest));
  return TRUE;
}

/* The side of a square PNG of one of hicolor's sizes, read from its
 * IHDR chunk (the first, at a fixed offset), or 0. */
static int
png_icon_size (const char *path)
{
  static const guchar signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  guchar header[24];
  gsize got = 0;
  guint32 width, height;

  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header, &got, NULL, NULL) ||
      got != sizeof header || memcmp (header, signature, sizeof signature) != 0 ||
      memcmp (header + 12, "IHDR", 4) != 0)
    return 0;
  width = (guint32) header[16] << 24 | (guint32) header[17] << 16 | (guint32) header[18] << 8 | header[19];
  height = (guint32) header[20] << 24 | (guint32) header[21] << 16 | (guint32) header[22] << 8 | header[23];
  for (gsize i = 0; i < G_N_ELEMENTS (icon_sizes); i++)
    if (width == height && width == (guint32) icon_sizes[i])
      return icon_sizes[i];
  return 0;
}

/* Copies the icon `icon` names (a file, or a theme name looked up in
 * hicolor of $XDG_DATA_DIRS) to hicolor/…/apps/<app-id>.* of
 * $XDG_DATA_HOME. FALSE in *exported when there was none to copy. */
static gboolean
export_icons (const char *icon, const char *app_id, GPtrArray *written, gboolean *exported, GError **error)
{
  g_autofree char *user_hicolor = g_build_filename (g_get_user_data_dir (), "icons", "hicolor", NULL);
  const char *const *dirs = g_get_system_data_dirs ();
  g_autoptr(GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  *exported = FALSE;
  if (g_path_is_absolute (icon))
    {
      g_autofree char *dest = NULL;
      g_autofree char *name = NULL;

      if (!g_file_test (icon, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, FP_ERROR, FP_ERROR_MISSING_SOURCE, "icon %s does not exist or is not a file", icon);
          return FALSE;
        }
      if (g_str_has_suffix (icon, ".svg"))
        {
          name = g_strconcat (app_id, ".svg", NULL);
          dest = g_build_filename (user_hicolor, "scalable", "apps", name, NULL);
        }
      else if (g_str_has_suffix (icon, ".png") && png_icon_size (icon) > 0)
        {
          int size = png_icon_size (icon);
          g_autofree char *size_dir = g_strdup_printf ("%dx%d", size, size);

          name = g_strconcat (app_id, ".png", NULL);
          dest = g_build_filename (user_hicolor, size_dir, "apps", name, NULL);
        }
      else
        {
          /* Icon= may name a file itself: it stays as it is. */
          g_printerr ("fauxpak: icon %s is neither an SVG nor a square PNG of a size hicolor has "
                      "(16…512); the desktop entry names the file itself\n", icon);
          return TRUE;
        }
      *exported = TRUE;
      return copy_icon (icon, dest, written, error);
    }

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *hicolor = g_build_filename (dirs[i], "icons", "hicolor", NULL);
      g_autoptr(GDir) sizes = g_dir_open (hicolor, 0, NULL);
      const char *size;

      while (sizes != NULL && (size = g_dir_read_name (sizes)) != NULL)
        {
          static const char *const kinds[][2] = {
            { "", ".png" }, { "", ".svg" }, { "-symbolic", ".svg" }, { "-symbolic", ".png" },
          };

          for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
            {
              g_autofree char *source_name = g_strconcat (icon, kinds[k][0], kinds[k][1], NULL);
              g_autofree char *dest_name = g_strconcat (app_id, kinds[k][0], kinds[k][1], NULL);
              g_autofree char *source = g_build_filename (hicolor, size, "apps", source_name, NULL);
              g_autofree char *dest = g_build_filename (user_hicolor, size, "apps", dest_name, NULL);

              /* The first data dir that has a size wins, as in a lookup. */
              if (!g_file_test (source, G_FILE_TEST_IS_REGULAR) || g_hash_table_contains (done, dest))
                continue;
              if (!copy_icon (source, dest, written, error))
                return FALSE;
              g_hash_table_add (done, g_steal_pointer (&dest));
              *exported = TRUE;
            }
        }
    }
  return TRUE;
}

static gboolean
save_keyfile (GKeyFile *keyfile, const char *path, GPtrArray *written, GError **error)
{
  if (!ensure_free (path, error) || !ensure_parent (path, error))
    return FALSE;
  if (!g_key_file_save_to_file (keyfile, path, error))
    {
      g_prefix_error (error, "cannot write %s: ", path);
      return FALSE;
    }
  g_ptr_array_add (written, g_strdup (path));
  return TRUE;
}

/* The arguments of the app's own D-Bus service file for `name`, after
 * its program; NULL when it has none. */
static GStrv
own_service_args (const char *name)
{
  const char *const *dirs = g_get_system_data_dirs ();
  g_autofree char *file_name = g_strconcat (name, ".service", NULL);

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "dbus-1", "services", file_name, NULL);
      g_autoptr(GKeyFile) keyfile = g_key_file_new ();
      g_autofree char *exec = NULL;
      g_auto(GStrv) argv = NULL;

      if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, NULL))
        continue;
      exec = g_key_file_get_string (keyfile, DBUS_SERVICE_GROUP, "Exec", NULL);
      if (exec != NULL && g_shell_parse_argv (exec, NULL, &argv, NULL))
        return g_strdupv (argv + 1);
    }
  return NULL;
}

/* D-Bus activation of `name` starts the app in its sandbox. Like Flatpak,
 * only names the app owns by its id (<app-id> and <app-id>.*): a service
 * file is looked up before the host's own, and another name would take
 * that service over for the whole session. */
static gboolean
write_dbus_service (const FpProfile *profile, const char *fauxpak, const char *name,
                    gboolean activatable, GPtrArray *written, GError **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GString) exec = g_string_new (NULL);
  g_auto(GStrv) args = own_service_args (name);
  g_autofree char *file_name = g_strconcat (name, ".service", NULL);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "dbus-1", "services", file_name, NULL);

  /* GApplication's convention for a D-Bus activated start. */
  if (args == NULL && activatable && g_str_equal (name, profile->app_id))
    args = g_strdupv ((char *[]) { "--gapplication-service", NULL });
  append_exec_arg (exec, fauxpak, FALSE);
  g_string_append (exec, " run");
  append_exec_arg (exec, profile->app_id, FALSE);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    append_exec_arg (exec, args[i], FALSE);
  /* dbus-daemon reads Exec as it is written; a keyfile escape would stay. */
  if (strchr (exec->str, '\\') != NULL)
    {
      g_printerr ("fauxpak: no D-Bus service for %s: its command line (%s) needs a backslash, "
                  "which service files cannot carry\n", name, exec->str);
      return TRUE;
    }
  g_key_file_set_string (keyfile, DBUS_SERVICE_GROUP, "Name", name);
  g_key_file_set_string (keyfile, DBUS_SERVICE_GROUP, "Exec", exec->str);
  return save_keyfile (keyfile, path, written, error);
}

static gboolean
write_dbus_services (const FpProfile *profile, const char *fauxpak, GKeyFile *desktop,
                     GPtrArray *written, GError **error)
{
  g_autofree char *prefix = g_strconcat (profile->app_id, ".", NULL);
  g_autoptr(GPtrArray) names = fp_sorted_keys (profile->context->session_bus_policy);
  gboolean activatable = g_key_file_get_boolean (desktop, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_DBUS_ACTIVATABLE, NULL);

  if (activatable && !write_dbus_service (profile, fauxpak, profile->app_id, TRUE, written, error))
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      FpPolicy policy = GPOINTER_TO_INT (g_hash_table_lookup (profile->context->session_bus_policy, name));

      if (policy != FP_POLICY_OWN || g_str_has_suffix (name, ".*") ||
          (activatable && g_str_equal (name, profile->app_id)))
        continue;
      if (!g_str_equal (name, profile->app_id) && !g_str_has_prefix (name, prefix))
        {
          g_printerr ("fauxpak: no D-Bus service for %s: only names under the app id (%s.*) are "
                      "exported, as Flatpak does\n", name, profile->app_id);
          continue;
        }
      if (!write_dbus_service (profile, fauxpak, name, FALSE, written, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
fp_exports_write (const FpProfile *profile,
                  const char      *fauxpak,
                  GPtrArray       *written,
                  GError         **error)
{
  g_autoptr(GKeyFile) desktop = fp_exports_desktop_entry (profile, fauxpak, error);
  g_autofree char *file_name = g_strconcat (profile->app_id, ".desktop", NULL);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "applications", file_name, NULL);
  g_autofree char *icon = NULL;

  if (desktop == NULL)
    return FALSE;
  icon = g_key_file_get_string (desktop, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, NULL);
  if (icon != NULL)
    {
      gboolean exported;

      if (!export_icons (icon, profile->app_id, written, &exported, error))
        return FALSE;
      if (exported)
        g_key_file_set_string (desktop, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, profile->app_id);
    }
  if (!write_dbus_services (profile, fauxpak, desktop, written, error))
    return FALSE;
  return save_keyfile (desktop, path, written, error);
}

/* The export directories of $XDG_DATA_HOME; nothing else is removed. */
static char *
export_root_of (const char *file)
{
  static const char *const roots[] = { "applications", "dbus-1/services", "icons", NULL };

  for (guint i = 0; roots[i] != NULL; i++)
    {
      g_autofree char *root = g_build_filename (g_get_user_data_dir (), roots[i], NULL);

      if (g_str_has_prefix (file, root) && file[strlen (root)] == '/' && strstr (file, "/..") == NULL)
        return g_steal_pointer (&root);
    }
  return NULL;
}

void
fp_exports_remove (const char *const *files)
{
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    {
      g_autofree char *root = export_root_of (files[i]);
      g_autofree char *dir = NULL;

      if (root == NULL)
        {
          g_printerr ("fauxpak: not removing %s: it is no export of fauxpak's\n", files[i]);
          continue;
        }
      if (g_unlink (files[i]) != 0 && errno != ENOENT)
        g_printerr ("fauxpak: cannot remove %s: %s\n", files[i], g_strerror (errno));
      /* Directories the export made, up to the root, if now empty. */
      dir = g_path_get_dirname (files[i]);
      while (!g_str_equal (dir, root) && g_rmdir (dir) == 0)
        {
          char *parent = g_path_get_dirname (dir);

          g_free (dir);
          dir = parent;
        }
    }
}

static void
run_cache_tool (const char *const *argv, const char *dir)
{
  g_autofree char *program = g_find_program_in_path (argv[0]);
  g_autoptr(GPtrArray) full = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  if (program == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return;
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (gpointer) argv[i]);
  g_ptr_array_add (full, (gpointer) dir);
  g_ptr_array_add (full, NULL);
  process = g_subprocess_newv ((const char *const *) full->pdata, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  if (process == NULL || !g_subprocess_wait_check (process, NULL, &error))
    g_printerr ("fauxpak: %s %s: %s\n", argv[0], dir, error->message);
}

void
fp_exports_refresh_caches (void)
{
  g_autofree char *applications = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *hicolor = g_build_filename (g_get_user_data_dir (), "icons", "hicolor", NULL);

  /* mimeinfo.cache: which apps open which MIME types. */
  run_cache_tool ((const char *const[]) { "update-desktop-database", "-q", NULL }, applications);
  run_cache_tool ((const char *const[]) { "gtk-update-icon-cache", "-q", "-t", "-f", NULL }, hicolor);
}
