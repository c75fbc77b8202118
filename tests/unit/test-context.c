/* FpContext: flags, filesystems, env, bus policies, binds, merging,
 * command-line options and the [Context] keyfile. */
#include "fp-context.h"
#include "fp-error.h"
#include "fp-test-util.h"

/* The mode of a filesystem location, or -1 when it is not in the table. */
static int
fs_mode (const FpContext *context, const char *location)
{
  gpointer value;

  if (!g_hash_table_lookup_extended (context->filesystems, location, NULL, &value))
    return -1;
  return GPOINTER_TO_INT (value);
}

static int
policy (const FpContext *context, gboolean system_bus, const char *name)
{
  gpointer value;
  GHashTable *table = system_bus ? context->system_bus_policy : context->session_bus_policy;

  if (!g_hash_table_lookup_extended (table, name, NULL, &value))
    return -1;
  return GPOINTER_TO_INT (value);
}

static void
set_flag (FpContext *context, FpFlagsKind kind, const char *name, gboolean enable)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fp_context_set_flag_by_name (context, kind, name, enable, &error));
  g_assert_no_error (error);
}

static void
add_fs (FpContext *context, const char *entry, gboolean enable)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fp_context_add_filesystem (context, entry, enable, &error));
  g_assert_no_error (error);
}

static void
set_env (FpContext *context, const char *name, const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fp_context_set_env (context, name, value, &error));
  g_assert_no_error (error);
}

static void
set_policy (FpContext *context, gboolean system_bus, const char *name, const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fp_context_set_bus_policy (context, system_bus, name, value, &error));
  g_assert_no_error (error);
}

static void
apply (FpContext *context, const char *name, const char *value)
{
  g_autoptr(GError) error = NULL;

  fp_test_note ("--%s=%s", name, value);
  g_assert_true (fp_context_apply_option (context, name, value, &error));
  g_assert_no_error (error);
}

static char *
keyfile_text (const FpContext *context)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  fp_context_save_keyfile (context, keyfile);
  return g_key_file_to_data (keyfile, NULL, NULL);
}

static void
test_flag_names (void)
{
  static const char *const shared[] = { "network", "ipc", NULL };
  static const char *const sockets[] = {
    "x11", "wayland", "pulseaudio", "session-bus", "system-bus", "fallback-x11",
    "ssh-auth", "pcsc", "cups", "gpg-agent", "inherit-wayland-socket", "pipewire", NULL
  };
  static const char *const devices[] = { "dri", "all", "kvm", "shm", "input", "usb", NULL };
  static const char *const features[] = {
    "devel", "multiarch", "bluetooth", "canbus", "per-app-dev-shm", NULL
  };

  /* The bit order is the enum order of fp-context.h. */
  g_assert_true (g_strv_equal ((const char *const *) fp_context_flag_names (FP_FLAGS_SHARED), shared));
  g_assert_true (g_strv_equal ((const char *const *) fp_context_flag_names (FP_FLAGS_SOCKETS), sockets));
  g_assert_true (g_strv_equal ((const char *const *) fp_context_flag_names (FP_FLAGS_DEVICES), devices));
  g_assert_true (g_strv_equal ((const char *const *) fp_context_flag_names (FP_FLAGS_FEATURES), features));
  g_assert_cmpstr (fp_context_flags_key (FP_FLAGS_SHARED), ==, "shared");
  g_assert_cmpstr (fp_context_flags_key (FP_FLAGS_SOCKETS), ==, "sockets");
  g_assert_cmpstr (fp_context_flags_key (FP_FLAGS_DEVICES), ==, "devices");
  g_assert_cmpstr (fp_context_flags_key (FP_FLAGS_FEATURES), ==, "features");

  {
    g_autoptr(FpContext) context = fp_context_new ();

    set_flag (context, FP_FLAGS_SOCKETS, "pipewire", TRUE);
    set_flag (context, FP_FLAGS_SOCKETS, "x11", TRUE);
    g_assert_true (fp_context_has (context, FP_FLAGS_SOCKETS, FP_SOCKET_PIPEWIRE));
    g_assert_true (fp_context_has (context, FP_FLAGS_SOCKETS, FP_SOCKET_X11));
    g_assert_false (fp_context_has (context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  }
}

static void
test_flags_set (void)
{
  g_autoptr(FpContext) context = fp_context_new ();
  g_autoptr(GError) error = NULL;

  set_flag (context, FP_FLAGS_SHARED, "network", TRUE);
  g_assert_cmphex (context->enabled[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK);
  g_assert_cmphex (context->valid[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK);

  /* "!ipc" revokes: it becomes valid but not enabled. */
  set_flag (context, FP_FLAGS_SHARED, "!ipc", TRUE);
  g_assert_cmphex (context->enabled[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK);
  g_assert_cmphex (context->valid[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK | FP_SHARE_IPC);

  /* enable=FALSE is the --unshare spelling; "!" inverts that again. */
  set_flag (context, FP_FLAGS_SHARED, "network", FALSE);
  g_assert_false (fp_context_has (context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  set_flag (context, FP_FLAGS_SHARED, "!ipc", FALSE);
  g_assert_true (fp_context_has (context, FP_FLAGS_SHARED, FP_SHARE_IPC));

  g_assert_false (fp_context_set_flag_by_name (context, FP_FLAGS_SOCKETS, "x12", TRUE, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT);
  fp_assert_contains (error->message, "unknown sockets value \"x12\"");
  fp_assert_contains (error->message, "expected one of: x11, wayland, pulseaudio, session-bus, system-bus, "
                      "fallback-x11, ssh-auth, pcsc, cups, gpg-agent, inherit-wayland-socket, pipewire");
  g_clear_error (&error);

  g_assert_false (fp_context_set_flag_by_name (context, FP_FLAGS_DEVICES, "!", TRUE, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT);
  fp_assert_contains (error->message, "unknown devices value");
  g_clear_error (&error);

  g_assert_false (fp_context_set_flag_by_name (context, FP_FLAGS_FEATURES, "Devel", TRUE, &error));
  fp_assert_contains (error->message, "expected one of: devel, multiarch, bluetooth, canbus, per-app-dev-shm");
}

static void
test_merge_flags (void)
{
  g_autoptr(FpContext) base = fp_context_new ();
  g_autoptr(FpContext) overlay = fp_context_new ();

  set_flag (base, FP_FLAGS_SHARED, "network", TRUE);
  set_flag (base, FP_FLAGS_SHARED, "ipc", TRUE);
  set_flag (base, FP_FLAGS_SOCKETS, "x11", TRUE);
  set_flag (base, FP_FLAGS_SOCKETS, "!wayland", TRUE);

  set_flag (overlay, FP_FLAGS_SHARED, "!network", TRUE);   /* revokes */
  set_flag (overlay, FP_FLAGS_SOCKETS, "wayland", TRUE);   /* grants what base revoked */
  set_flag (overlay, FP_FLAGS_DEVICES, "dri", TRUE);       /* new family */

  fp_context_merge (base, overlay);
  g_assert_false (fp_context_has (base, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (fp_context_has (base, FP_FLAGS_SHARED, FP_SHARE_IPC));      /* not mentioned: kept */
  g_assert_true (fp_context_has (base, FP_FLAGS_SOCKETS, FP_SOCKET_X11));
  g_assert_true (fp_context_has (base, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_assert_true (fp_context_has (base, FP_FLAGS_DEVICES, FP_DEVICE_DRI));
  g_assert_cmphex (base->valid[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK | FP_SHARE_IPC);
  g_assert_cmphex (base->valid[FP_FLAGS_SOCKETS], ==, FP_SOCKET_X11 | FP_SOCKET_WAYLAND);
  g_assert_cmphex (base->valid[FP_FLAGS_DEVICES], ==, FP_DEVICE_DRI);
  g_assert_cmphex (base->enabled[FP_FLAGS_FEATURES], ==, 0);
  g_assert_cmphex (base->valid[FP_FLAGS_FEATURES], ==, 0);

  /* The overlay is left alone. */
  g_assert_cmphex (overlay->enabled[FP_FLAGS_SHARED], ==, 0);
  g_assert_cmphex (overlay->valid[FP_FLAGS_SOCKETS], ==, FP_SOCKET_WAYLAND);
}

static void
test_merge_flags_exhaustive (void)
{
  /* Every (base, overlay) state of one bit: absent, on, off. */
  for (int b = 0; b < 3; b++)
    for (int o = 0; o < 3; o++)
      {
        g_autoptr(FpContext) base = fp_context_new ();
        g_autoptr(FpContext) overlay = fp_context_new ();
        gboolean expected_enabled, expected_valid;

        if (b > 0)
          set_flag (base, FP_FLAGS_FEATURES, b == 1 ? "devel" : "!devel", TRUE);
        if (o > 0)
          set_flag (overlay, FP_FLAGS_FEATURES, o == 1 ? "devel" : "!devel", TRUE);
        fp_context_merge (base, overlay);
        expected_enabled = o > 0 ? o == 1 : b == 1;
        expected_valid = b > 0 || o > 0;
        g_assert_cmpint (fp_context_has (base, FP_FLAGS_FEATURES, FP_FEATURE_DEVEL), ==, expected_enabled);
        g_assert_cmpint ((base->valid[FP_FLAGS_FEATURES] & FP_FEATURE_DEVEL) != 0, ==, expected_valid);
      }
}

static void
test_merge_tables (void)
{
  g_autoptr(FpContext) base = fp_context_new ();
  FpContext *overlay = fp_context_new ();
  const FpBind *bind;

  add_fs (base, "~/Music:ro", TRUE);
  add_fs (base, "home", TRUE);
  add_fs (base, "/opt/a", TRUE);
  set_env (base, "KEEP", "1");
  set_env (base, "REPLACE", "old");
  set_env (base, "DROP", "x");
  set_policy (base, FALSE, "org.example.A", "talk");
  set_policy (base, FALSE, "org.example.B", "own");
  set_policy (base, TRUE, "org.freedesktop.UPower", "talk");
  g_assert_true (fp_context_apply_option (base, "bind", "/src:/dst", NULL));
  g_assert_true (fp_context_add_persistent (base, ".base", NULL));

  add_fs (overlay, "~/Music", TRUE);           /* ro -> rw */
  add_fs (overlay, "!home", TRUE);             /* removed */
  add_fs (overlay, "/opt/b:create", TRUE);
  set_env (overlay, "REPLACE", "new");
  set_env (overlay, "DROP", NULL);             /* unsets */
  set_env (overlay, "ADD", "added");
  set_policy (overlay, FALSE, "org.example.B", "none");
  set_policy (overlay, TRUE, "org.freedesktop.UPower", "see");
  g_assert_true (fp_context_apply_option (overlay, "tmpfs", "/tmp/t", NULL));
  g_assert_true (fp_context_apply_option (overlay, "ro-bind", "/ro", NULL));
  g_assert_true (fp_context_add_persistent (overlay, ".overlay", NULL));
  g_assert_true (fp_context_add_persistent (overlay, ".base", NULL));

  fp_context_merge (base, overlay);
  /* Everything in base must be its own copy. */
  fp_context_free (overlay);

  g_assert_cmpint (fs_mode (base, "~/Music"), ==, FP_FILESYSTEM_READ_WRITE);
  g_assert_cmpint (fs_mode (base, "home"), ==, FP_FILESYSTEM_NONE);
  g_assert_cmpint (fs_mode (base, "/opt/a"), ==, FP_FILESYSTEM_READ_WRITE);
  g_assert_cmpint (fs_mode (base, "/opt/b"), ==, FP_FILESYSTEM_CREATE);
  g_assert_cmpuint (g_hash_table_size (base->filesystems), ==, 4);

  g_assert_cmpstr (g_hash_table_lookup (base->env, "KEEP"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (base->env, "REPLACE"), ==, "new");
  g_assert_cmpstr (g_hash_table_lookup (base->env, "ADD"), ==, "added");
  g_assert_true (g_hash_table_contains (base->env, "DROP"));
  g_assert_null (g_hash_table_lookup (base->env, "DROP"));

  g_assert_cmpint (policy (base, FALSE, "org.example.A"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (base, FALSE, "org.example.B"), ==, FP_POLICY_NONE);
  g_assert_cmpint (policy (base, TRUE, "org.freedesktop.UPower"), ==, FP_POLICY_SEE);
  g_assert_cmpint (policy (base, TRUE, "org.example.A"), ==, -1);

  /* Binds append, in order. */
  g_assert_cmpuint (base->binds->len, ==, 3);
  bind = g_ptr_array_index (base->binds, 0);
  g_assert_cmpint (bind->kind, ==, FP_BIND_RW);
  g_assert_cmpstr (bind->source, ==, "/src");
  g_assert_cmpstr (bind->dest, ==, "/dst");
  bind = g_ptr_array_index (base->binds, 1);
  g_assert_cmpint (bind->kind, ==, FP_BIND_TMPFS);
  g_assert_null (bind->source);
  g_assert_cmpstr (bind->dest, ==, "/tmp/t");
  bind = g_ptr_array_index (base->binds, 2);
  g_assert_cmpint (bind->kind, ==, FP_BIND_RO);
  g_assert_cmpstr (bind->source, ==, "/ro");
  g_assert_cmpstr (bind->dest, ==, "/ro");
  g_assert_false (bind->optional);

  /* persistent is a set of strings: each value is its own key. */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_assert_cmpuint (g_hash_table_size (base->persistent), ==, 2);
    g_assert_true (g_hash_table_contains (base->persistent, ".base"));
    g_assert_true (g_hash_table_contains (base->persistent, ".overlay"));
    g_hash_table_iter_init (&iter, base->persistent);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_assert_true (key == value);
  }
}

static void
test_merge_empty (void)
{
  g_autoptr(FpContext) base = fp_context_new ();
  g_autoptr(FpContext) empty = fp_context_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  set_flag (base, FP_FLAGS_SOCKETS, "wayland", TRUE);
  add_fs (base, "xdg-download", TRUE);
  set_env (base, "A", "b");
  before = keyfile_text (base);
  fp_context_merge (base, empty);
  after = keyfile_text (base);
  g_assert_cmpstr (before, ==, after);
}

static void
test_filesystem_parse (void)
{
  static const struct {
    const char *entry;
    const char *location;
    FpFilesystemMode mode;
  } cases[] = {
    { "host", "host", FP_FILESYSTEM_READ_WRITE },
    { "host:ro", "host", FP_FILESYSTEM_READ_ONLY },
    { "host-os", "host-os", FP_FILESYSTEM_READ_WRITE },
    { "host-etc:ro", "host-etc", FP_FILESYSTEM_READ_ONLY },
    { "home:rw", "home", FP_FILESYSTEM_READ_WRITE },
    { "~", "home", FP_FILESYSTEM_READ_WRITE },       /* one spelling per place */
    { "~/", "home", FP_FILESYSTEM_READ_WRITE },
    { "~/Projects/x:create", "~/Projects/x", FP_FILESYSTEM_CREATE },
    { "/", "/", FP_FILESYSTEM_READ_WRITE },
    { "/opt/data/", "/opt/data", FP_FILESYSTEM_READ_WRITE },
    { "/opt/data///:ro", "/opt/data", FP_FILESYSTEM_READ_ONLY },
    { "/with space/x", "/with space/x", FP_FILESYSTEM_READ_WRITE },
    { "/a/..b", "/a/..b", FP_FILESYSTEM_READ_WRITE },
    { "xdg-download", "xdg-download", FP_FILESYSTEM_READ_WRITE },
    { "xdg-download/Sub dir:ro", "xdg-download/Sub dir", FP_FILESYSTEM_READ_ONLY },
    { "xdg-config/gtk-3.0:ro", "xdg-config/gtk-3.0", FP_FILESYSTEM_READ_ONLY },
    { "xdg-run/pipewire-0", "xdg-run/pipewire-0", FP_FILESYSTEM_READ_WRITE },
    { "xdg-documents", "xdg-documents", FP_FILESYSTEM_READ_WRITE },
    { "xdg-desktop", "xdg-desktop", FP_FILESYSTEM_READ_WRITE },
    { "xdg-music", "xdg-music", FP_FILESYSTEM_READ_WRITE },
    { "xdg-pictures", "xdg-pictures", FP_FILESYSTEM_READ_WRITE },
    { "xdg-public-share", "xdg-public-share", FP_FILESYSTEM_READ_WRITE },
    { "xdg-templates", "xdg-templates", FP_FILESYSTEM_READ_WRITE },
    { "xdg-videos", "xdg-videos", FP_FILESYSTEM_READ_WRITE },
    { "xdg-cache/app", "xdg-cache/app", FP_FILESYSTEM_READ_WRITE },
    { "xdg-data/fonts:ro", "xdg-data/fonts", FP_FILESYSTEM_READ_ONLY },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *location = NULL;
      FpFilesystemMode mode = FP_FILESYSTEM_NONE;

      fp_test_note ("filesystem %s", cases[i].entry);
      g_assert_true (fp_filesystem_parse (cases[i].entry, &location, &mode, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (location, ==, cases[i].location);
      g_assert_cmpint (mode, ==, cases[i].mode);
    }
}

/* A path under the home directory reads as Flatpak's "~/…", so that
 * --nofilesystem=~/x revokes a profile's "$HOME/x". */
static void
test_filesystem_home_spelling (void)
{
  const char *home = g_get_home_dir ();
  g_autofree char *sub = g_build_filename (home, "Projects", "x", NULL);
  g_autofree char *sub_ro = g_strconcat (sub, "/:ro", NULL);
  g_autofree char *sibling = g_strconcat (home, "-other/x", NULL);
  g_autoptr(FpContext) context = fp_context_new ();
  g_autofree char *location = NULL;
  FpFilesystemMode mode;

  g_assert_true (fp_filesystem_parse (home, &location, &mode, NULL));
  g_assert_cmpstr (location, ==, "home");
  g_clear_pointer (&location, g_free);
  g_assert_true (fp_filesystem_parse (sub_ro, &location, &mode, NULL));
  g_assert_cmpstr (location, ==, "~/Projects/x");
  g_assert_cmpint (mode, ==, FP_FILESYSTEM_READ_ONLY);
  g_clear_pointer (&location, g_free);
  /* A sibling whose name starts like home is not in it. */
  g_assert_true (fp_filesystem_parse (sibling, &location, &mode, NULL));
  g_assert_cmpstr (location, ==, sibling);

  add_fs (context, sub, TRUE);
  add_fs (context, "~/Projects/x", FALSE);
  g_assert_cmpint (fs_mode (context, "~/Projects/x"), ==, FP_FILESYSTEM_NONE);
  g_assert_cmpuint (g_hash_table_size (context->filesystems), ==, 1);
}

static void
test_filesystem_errors (void)
{
  static const struct {
    const char *entry;
    const char *message;
  } cases[] = {
    { "/opt:rx", "filesystem \"/opt:rx\" has an unknown mode \":rx\"; expected :ro, :rw or :create" },
    { "/opt:RO", "has an unknown mode \":RO\"" },
    { "/a:b/c", "has an unknown mode \":b/c\"" },
    { "/opt:", "has an unknown mode \":\"" },
    { "relative/path", "is not an absolute path, ~/path, home/path, host, host-os, host-etc, home or xdg-*[/path]" },
    { "", "is not an absolute path" },
    { "~user/x", "is not an absolute path" },
    { "xdg-downloads", "is not an absolute path" },
    { "xdg-foo/x", "is not an absolute path" },
    { "hosts", "is not an absolute path" },
    { "/opt/../etc", "contains \"..\"; name the directory itself" },
    { "~/..", "contains \"..\"" },
    { "xdg-data/../..:ro", "contains \"..\"" },
    { "/opt/x\n[Context]", "contains a newline or other control character" },
    { "/opt/\tx", "contains a newline or other control character" },
    { "/opt/\x7fx", "contains a newline or other control character" },
    { "/opt/\xff", "is not valid UTF-8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *location = NULL;
      FpFilesystemMode mode;

      fp_test_note ("filesystem \"%s\"", cases[i].entry);
      g_assert_false (fp_filesystem_parse (cases[i].entry, &location, &mode, &error));
      g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT);
      g_assert_null (location);
      fp_assert_contains (error->message, cases[i].message);
    }
}

static void
test_filesystem_add (void)
{
  g_autoptr(FpContext) context = fp_context_new ();
  g_autoptr(GError) error = NULL;

  add_fs (context, "~/a:ro", TRUE);
  g_assert_cmpint (fs_mode (context, "~/a"), ==, FP_FILESYSTEM_READ_ONLY);
  add_fs (context, "~/a:create", TRUE);     /* same location: replaced */
  g_assert_cmpint (fs_mode (context, "~/a"), ==, FP_FILESYSTEM_CREATE);
  add_fs (context, "~/a/", FALSE);          /* --nofilesystem */
  g_assert_cmpint (fs_mode (context, "~/a"), ==, FP_FILESYSTEM_NONE);
  add_fs (context, "!~/b", TRUE);
  g_assert_cmpint (fs_mode (context, "~/b"), ==, FP_FILESYSTEM_NONE);
  add_fs (context, "!~/c:ro", FALSE);       /* double negation grants */
  g_assert_cmpint (fs_mode (context, "~/c"), ==, FP_FILESYSTEM_READ_ONLY);
  g_assert_cmpuint (g_hash_table_size (context->filesystems), ==, 3);

  g_assert_false (fp_context_add_filesystem (context, "!", TRUE, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (g_hash_table_size (context->filesystems), ==, 3);
}

static void
test_persistent (void)
{
  static const struct {
    const char *dir;
    const char *message;
  } bad[] = {
    { "", "must be a relative path inside home without \"..\"" },
    { "/abs", "must be a relative path inside home" },
    { "../up", "must be a relative path inside home" },
    { "a/../../b", "must be a relative path inside home" },
    { ".app\n[Context]", "contains a newline or other control character" },
  };
  g_autoptr(FpContext) context = fp_context_new ();

  g_assert_true (fp_context_add_persistent (context, ".mozilla", NULL));
  g_assert_true (fp_context_add_persistent (context, ".config/app", NULL));
  g_assert_true (fp_context_add_persistent (context, ".mozilla", NULL));
  g_assert_cmpuint (g_hash_table_size (context->persistent), ==, 2);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (fp_context_add_persistent (context, bad[i].dir, &error));
      g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT);
      fp_assert_contains (error->message, bad[i].message);
    }
  g_assert_cmpuint (g_hash_table_size (context->persistent), ==, 2);
}

static void
test_env (void)
{
  static const struct {
    const char *name;
    const char *value;
    const char *message;
  } bad[] = {
    { "", "x", "environment variable name \"\" is invalid; expected letters, digits and '_'" },
    { "1A", "x", "name \"1A\" is invalid" },
    { "A-B", "x", "is invalid" },
    { "A=B", "x", "is invalid" },
    { "A B", "x", "is invalid" },
    { "A\nB", "x", "is invalid" },
    { "[Group]", "x", "is invalid" },
    { "A\n[Context]\nfilesystems", "host", "is invalid" },
    { "A", "line1\nline2", "environment value \"line1\nline2\" contains a newline or other control character" },
    { "A", "x\n[Context]\nfilesystems=host;", "contains a newline or other control character" },
    { "A", "x\r", "contains a newline" },
    { "A", "\tx", "contains a newline" },
    { "A", "\x1b[31m", "contains a newline" },
    { "A", "\xc3\x28", "environment value is not valid UTF-8" },
  };
  g_autoptr(FpContext) context = fp_context_new ();

  set_env (context, "PLAIN", "value");
  set_env (context, "_under_score9", "");
  set_env (context, "GROUPLIKE", "[Context]");   /* harmless without a newline */
  set_env (context, "UNSET", NULL);
  g_assert_cmpstr (g_hash_table_lookup (context->env, "PLAIN"), ==, "value");
  g_assert_cmpstr (g_hash_table_lookup (context->env, "_under_score9"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (context->env, "GROUPLIKE"), ==, "[Context]");
  g_assert_true (g_hash_table_contains (context->env, "UNSET"));
  g_assert_null (g_hash_table_lookup (context->env, "UNSET"));
  set_env (context, "PLAIN", NULL);
  g_assert_null (g_hash_table_lookup (context->env, "PLAIN"));

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      fp_test_note ("env %s", bad[i].name);
      g_assert_false (fp_context_set_env (context, bad[i].name, bad[i].value, &error));
      g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT);
      fp_assert_contains (error->message, bad[i].message);
    }
  g_assert_cmpuint (g_hash_table_size (context->env), ==, 4);
}

static void
test_bus_policy (void)
{
  static const struct {
    const char *name;
    const char *policy;
    const char *message;
  } bad[] = {
    { "org", "talk", "\"org\" is not a D-Bus well-known name (optionally ending in .*)" },
    { ":1.42", "talk", "is not a D-Bus well-known name" },
    { "org.example.*.x", "talk", "is not a D-Bus well-known name" },
    { "org.example.App\n[Context]", "talk", "is not a D-Bus well-known name" },
    { "org.3example.App", "talk", "is not a D-Bus well-known name" },
    { "", "talk", "is not a D-Bus well-known name" },
    { "org.example.App", "Talk", "bus policy \"Talk\" for org.example.App is unknown; expected none, see, talk or own" },
    { "org.example.App", "", "is unknown; expected none, see, talk or own" },
  };
  g_autoptr(FpContext) context = fp_context_new ();

  set_policy (context, FALSE, "org.example.App", "talk");
  set_policy (context, FALSE, "org.example.Prefix.*", "own");
  set_policy (context, FALSE, "org.example.Seen", "see");
  set_policy (context, FALSE, "org.example.Hidden", "none");
  set_policy (context, FALSE, "org.example.with-dash", "talk");
  set_policy (context, TRUE, "org.freedesktop.login1", "talk");
  g_assert_cmpint (policy (context, FALSE, "org.example.App"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (context, FALSE, "org.example.Prefix.*"), ==, FP_POLICY_OWN);
  g_assert_cmpint (policy (context, FALSE, "org.example.Seen"), ==, FP_POLICY_SEE);
  g_assert_cmpint (policy (context, FALSE, "org.example.Hidden"), ==, FP_POLICY_NONE);
  g_assert_cmpint (policy (context, TRUE, "org.freedesktop.login1"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (context, FALSE, "org.freedesktop.login1"), ==, -1);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (fp_context_set_bus_policy (context, FALSE, bad[i].name, bad[i].policy, &error));
      g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT);
      fp_assert_contains (error->message, bad[i].message);
    }

  g_assert_cmpstr (fp_policy_to_string (FP_POLICY_NONE), ==, "none");
  g_assert_cmpstr (fp_policy_to_string (FP_POLICY_SEE), ==, "see");
  g_assert_cmpstr (fp_policy_to_string (FP_POLICY_TALK), ==, "talk");
  g_assert_cmpstr (fp_policy_to_string (FP_POLICY_OWN), ==, "own");
}

static void
test_binds (void)
{
  FpBind *bind = fp_bind_new (FP_BIND_DEV, "/dev/dri", "/dev/dri", TRUE);

  g_assert_cmpint (bind->kind, ==, FP_BIND_DEV);
  g_assert_cmpstr (bind->source, ==, "/dev/dri");
  g_assert_true (bind->optional);
  fp_bind_free (bind);
  fp_bind_free (NULL);
  fp_context_free (NULL);
}

/* Every option with a good value, then what it did. */
static void
test_options_all (void)
{
  static const struct {
    const char *name;
    const char *value;
  } options[] = {
    { "share", "network" }, { "unshare", "ipc" },
    { "socket", "wayland" }, { "nosocket", "x11" },
    { "device", "dri" }, { "nodevice", "kvm" },
    { "allow", "devel" }, { "disallow", "multiarch" },
    { "filesystem", "~/Docs:ro" }, { "nofilesystem", "home" },
    { "persist", ".app" },
    { "env", "A=b=c" }, { "unset-env", "B" },
    { "talk-name", "org.s.Talk" }, { "no-talk-name", "org.s.None" },
    { "own-name", "org.s.Own" }, { "see-name", "org.s.See" },
    { "system-talk-name", "org.y.Talk" }, { "system-no-talk-name", "org.y.None" },
    { "system-own-name", "org.y.Own" }, { "system-see-name", "org.y.See" },
    { "bind", "/src:/dst" }, { "ro-bind", "/ro" }, { "dev-bind", "/dev/dri" },
    { "tmpfs", "/tmp/scratch" },
  };
  const char *const *names = fp_context_option_names ();
  g_autoptr(FpContext) context = fp_context_new ();
  const FpBind *bind;

  /* A new option must get a line above. */
  for (guint i = 0; names[i] != NULL; i++)
    {
      gboolean tested = FALSE;

      for (gsize j = 0; j < G_N_ELEMENTS (options); j++)
        tested |= g_str_equal (options[j].name, names[i]);
      if (!tested)
        g_error ("option --%s has no test", names[i]);
    }
  g_assert_cmpuint (g_strv_length ((char **) names), ==, G_N_ELEMENTS (options));

  for (gsize i = 0; i < G_N_ELEMENTS (options); i++)
    apply (context, options[i].name, options[i].value);

  g_assert_cmphex (context->enabled[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK);
  g_assert_cmphex (context->valid[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK | FP_SHARE_IPC);
  g_assert_cmphex (context->enabled[FP_FLAGS_SOCKETS], ==, FP_SOCKET_WAYLAND);
  g_assert_cmphex (context->valid[FP_FLAGS_SOCKETS], ==, FP_SOCKET_WAYLAND | FP_SOCKET_X11);
  g_assert_cmphex (context->enabled[FP_FLAGS_DEVICES], ==, FP_DEVICE_DRI);
  g_assert_cmphex (context->valid[FP_FLAGS_DEVICES], ==, FP_DEVICE_DRI | FP_DEVICE_KVM);
  g_assert_cmphex (context->enabled[FP_FLAGS_FEATURES], ==, FP_FEATURE_DEVEL);
  g_assert_cmphex (context->valid[FP_FLAGS_FEATURES], ==, FP_FEATURE_DEVEL | FP_FEATURE_MULTIARCH);
  g_assert_cmpint (fs_mode (context, "~/Docs"), ==, FP_FILESYSTEM_READ_ONLY);
  g_assert_cmpint (fs_mode (context, "home"), ==, FP_FILESYSTEM_NONE);
  g_assert_true (g_hash_table_contains (context->persistent, ".app"));
  g_assert_cmpstr (g_hash_table_lookup (context->env, "A"), ==, "b=c");
  g_assert_true (g_hash_table_contains (context->env, "B"));
  g_assert_null (g_hash_table_lookup (context->env, "B"));
  g_assert_cmpint (policy (context, FALSE, "org.s.Talk"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (context, FALSE, "org.s.None"), ==, FP_POLICY_NONE);
  g_assert_cmpint (policy (context, FALSE, "org.s.Own"), ==, FP_POLICY_OWN);
  g_assert_cmpint (policy (context, FALSE, "org.s.See"), ==, FP_POLICY_SEE);
  g_assert_cmpint (policy (context, TRUE, "org.y.Talk"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (context, TRUE, "org.y.None"), ==, FP_POLICY_NONE);
  g_assert_cmpint (policy (context, TRUE, "org.y.Own"), ==, FP_POLICY_OWN);
  g_assert_cmpint (policy (context, TRUE, "org.y.See"), ==, FP_POLICY_SEE);
  g_assert_cmpuint (g_hash_table_size (context->session_bus_policy), ==, 4);
  g_assert_cmpuint (g_hash_table_size (context->system_bus_policy), ==, 4);

  g_assert_cmpuint (context->binds->len, ==, 4);
  bind = g_ptr_array_index (context->binds, 0);
  g_assert_cmpint (bind->kind, ==, FP_BIND_RW);
  g_assert_cmpstr (bind->source, ==, "/src");
  g_assert_cmpstr (bind->dest, ==, "/dst");
  bind = g_ptr_array_index (context->binds, 1);
  g_assert_cmpint (bind->kind, ==, FP_BIND_RO);
  g_assert_cmpstr (bind->source, ==, "/ro");
  g_assert_cmpstr (bind->dest, ==, "/ro");
  bind = g_ptr_array_index (context->binds, 2);
  g_assert_cmpint (bind->kind, ==, FP_BIND_DEV);
  g_assert_cmpstr (bind->source, ==, "/dev/dri");
  g_assert_cmpstr (bind->dest, ==, "/dev/dri");
  bind = g_ptr_array_index (context->binds, 3);
  g_assert_cmpint (bind->kind, ==, FP_BIND_TMPFS);
  g_assert_null (bind->source);
  g_assert_cmpstr (bind->dest, ==, "/tmp/scratch");
}

static void
test_options_negation (void)
{
  g_autoptr(FpContext) context = fp_context_new ();

  apply (context, "share", "!network");
  g_assert_false (fp_context_has (context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_cmphex (context->valid[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK);
  apply (context, "unshare", "!network");
  g_assert_true (fp_context_has (context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  apply (context, "filesystem", "!~/x");
  g_assert_cmpint (fs_mode (context, "~/x"), ==, FP_FILESYSTEM_NONE);
  apply (context, "nofilesystem", "~/y:ro");
  g_assert_cmpint (fs_mode (context, "~/y"), ==, FP_FILESYSTEM_NONE);
  apply (context, "env", "EMPTY=");
  g_assert_cmpstr (g_hash_table_lookup (context->env, "EMPTY"), ==, "");
}

static void
test_options_errors (void)
{
  static const struct {
    const char *name;
    const char *value;
    FpError code;
    const char *message;
  } cases[] = {
    { "share", "bogus", FP_ERROR_INVALID_ARGUMENT, "unknown shared value \"bogus\"; expected one of: network, ipc" },
    { "unshare", "", FP_ERROR_INVALID_ARGUMENT, "unknown shared value \"\"" },
    { "socket", "X11", FP_ERROR_INVALID_ARGUMENT, "unknown sockets value \"X11\"" },
    { "nosocket", "dbus", FP_ERROR_INVALID_ARGUMENT, "unknown sockets value" },
    { "device", "gpu", FP_ERROR_INVALID_ARGUMENT, "unknown devices value \"gpu\"; expected one of: dri, all, kvm, shm, input, usb" },
    { "nodevice", "!nope", FP_ERROR_INVALID_ARGUMENT, "unknown devices value \"nope\"" },
    { "allow", "root", FP_ERROR_INVALID_ARGUMENT, "unknown features value \"root\"" },
    { "disallow", "x", FP_ERROR_INVALID_ARGUMENT, "unknown features value" },
    { "filesystem", "relative", FP_ERROR_INVALID_ARGUMENT, "filesystem \"relative\" is not an absolute path" },
    { "filesystem", "/x:rox", FP_ERROR_INVALID_ARGUMENT, "unknown mode \":rox\"" },
    { "nofilesystem", "/a/../b", FP_ERROR_INVALID_ARGUMENT, "contains \"..\"" },
    { "persist", "/abs", FP_ERROR_INVALID_ARGUMENT, "persist directory \"/abs\" must be a relative path" },
    { "persist", "..", FP_ERROR_INVALID_ARGUMENT, "must be a relative path" },
    { "env", "NOVALUE", FP_ERROR_INVALID_ARGUMENT, "--env=NOVALUE: expected VAR=VALUE" },
    { "env", "=x", FP_ERROR_INVALID_ARGUMENT, "environment variable name \"\" is invalid" },
    { "env", "1A=x", FP_ERROR_INVALID_ARGUMENT, "environment variable name \"1A\" is invalid" },
    { "env", "A=x\n[Context]", FP_ERROR_INVALID_ARGUMENT, "contains a newline" },
    { "unset-env", "A B", FP_ERROR_INVALID_ARGUMENT, "environment variable name \"A B\" is invalid" },
    { "unset-env", "A=B", FP_ERROR_INVALID_ARGUMENT, "is invalid" },
    { "talk-name", ":1.1", FP_ERROR_INVALID_ARGUMENT, "\":1.1\" is not a D-Bus well-known name" },
    { "no-talk-name", "org", FP_ERROR_INVALID_ARGUMENT, "is not a D-Bus well-known name" },
    { "own-name", "org..x", FP_ERROR_INVALID_ARGUMENT, "is not a D-Bus well-known name" },
    { "see-name", "", FP_ERROR_INVALID_ARGUMENT, "is not a D-Bus well-known name" },
    { "system-talk-name", "org.x.*.y", FP_ERROR_INVALID_ARGUMENT, "is not a D-Bus well-known name" },
    { "system-no-talk-name", "x", FP_ERROR_INVALID_ARGUMENT, "is not a D-Bus well-known name" },
    { "system-own-name", "org.x\n", FP_ERROR_INVALID_ARGUMENT, "is not a D-Bus well-known name" },
    { "system-see-name", "1.2", FP_ERROR_INVALID_ARGUMENT, "is not a D-Bus well-known name" },
    { "bind", "relative", FP_ERROR_INVALID_ARGUMENT, "--bind=relative: expected absolute paths without \"..\", as SRC[:DEST]" },
    { "bind", "/src:relative", FP_ERROR_INVALID_ARGUMENT, "--bind=/src:relative: expected absolute paths" },
    { "bind", "/src:", FP_ERROR_INVALID_ARGUMENT, "expected absolute paths" },
    { "bind", "", FP_ERROR_INVALID_ARGUMENT, "expected absolute paths" },
    { "ro-bind", "/a/../etc:/x", FP_ERROR_INVALID_ARGUMENT, "--ro-bind=/a/../etc:/x: expected absolute paths without \"..\"" },
    { "ro-bind", "/a:/x/..", FP_ERROR_INVALID_ARGUMENT, "expected absolute paths without \"..\"" },
    { "dev-bind", "dri", FP_ERROR_INVALID_ARGUMENT, "--dev-bind=dri: expected absolute paths" },
    { "dev-bind", "/dev/x\n", FP_ERROR_INVALID_ARGUMENT, "contains a newline or other control character" },
    { "tmpfs", "tmp", FP_ERROR_INVALID_ARGUMENT, "--tmpfs=tmp: expected absolute paths" },
    { "tmpfs", "/tmp/../etc", FP_ERROR_INVALID_ARGUMENT, "expected absolute paths without \"..\"" },
    { "filesystems", "home", FP_ERROR_NOT_FOUND, "--filesystems is not a permission option" },
    { "app-id", "org.example.App", FP_ERROR_NOT_FOUND, "--app-id is not a permission option" },
    { "", "x", FP_ERROR_NOT_FOUND, "is not a permission option" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FpContext) context = fp_context_new ();
      g_autoptr(FpContext) empty = fp_context_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *empty_text = NULL;

      fp_test_note ("--%s=%s", cases[i].name, cases[i].value);
      g_assert_false (fp_context_apply_option (context, cases[i].name, cases[i].value, &error));
      g_assert_error (error, FP_ERROR, (int) cases[i].code);
      fp_assert_contains (error->message, cases[i].message);
      /* A refused option leaves nothing behind. */
      text = keyfile_text (context);
      empty_text = keyfile_text (empty);
      g_assert_cmpstr (text, ==, empty_text);
      g_assert_cmpuint (context->binds->len, ==, 0);
      g_assert_cmpuint (g_hash_table_size (context->env), ==, 0);
    }
}

/* A context with something in every part of the keyfile. */
static FpContext *
full_context (void)
{
  FpContext *context = fp_context_new ();

  set_flag (context, FP_FLAGS_SHARED, "ipc", TRUE);
  set_flag (context, FP_FLAGS_SHARED, "network", TRUE);
  set_flag (context, FP_FLAGS_SOCKETS, "wayland", TRUE);
  set_flag (context, FP_FLAGS_SOCKETS, "x11", TRUE);
  set_flag (context, FP_FLAGS_SOCKETS, "!pulseaudio", TRUE);  /* valid, off: not written */
  set_flag (context, FP_FLAGS_SOCKETS, "pipewire", TRUE);
  set_flag (context, FP_FLAGS_DEVICES, "dri", TRUE);
  set_flag (context, FP_FLAGS_FEATURES, "devel", TRUE);
  set_flag (context, FP_FLAGS_FEATURES, "per-app-dev-shm", TRUE);
  add_fs (context, "xdg-download/Foo:create", TRUE);
  add_fs (context, "home", TRUE);
  add_fs (context, "/opt/data:ro", TRUE);
  add_fs (context, "!host", TRUE);                              /* removed: not written */
  g_assert_true (fp_context_add_persistent (context, ".config/x", NULL));
  g_assert_true (fp_context_add_persistent (context, ".app", NULL));
  set_policy (context, FALSE, "org.freedesktop.Notifications", "talk");
  set_policy (context, FALSE, "org.example.Own", "own");
  set_policy (context, FALSE, "org.example.Hidden", "none");
  set_policy (context, TRUE, "org.freedesktop.UPower", "see");
  set_env (context, "FOO", "bar");
  set_env (context, "EMPTY", "");
  set_env (context, "GONE", NULL);                              /* unset: not written */
  apply (context, "bind", "/srv/same");                         /* same path: a filesystem */
  apply (context, "ro-bind", "/srv/ro");
  apply (context, "bind", "/srv/a:/srv/b");                     /* moved: not a filesystem */
  apply (context, "tmpfs", "/tmp/t");
  return context;
}

static void
test_keyfile_exact (void)
{
  g_autoptr(FpContext) context = full_context ();
  g_autofree char *text = keyfile_text (context);

  /* As flatpak writes .flatpak-info: string lists end in ';', flags in bit
   * order, rw filesystems without a suffix, no "none" policies, an unset
   * variable both in unset-environment and as VAR=. */
  g_assert_cmpstr (text, ==,
                   "[Context]\n"
                   "shared=network;ipc;\n"
                   "sockets=x11;wayland;pipewire;\n"
                   "devices=dri;\n"
                   "features=devel;per-app-dev-shm;\n"
                   "filesystems=/opt/data:ro;home;xdg-download/Foo:create;/srv/same;/srv/ro:ro;\n"
                   "persistent=.app;.config/x;\n"
                   "unset-environment=GONE;\n"
                   "\n"
                   "[Fauxpak]\n"
                   "binds=--bind=/srv/same:/srv/same;--ro-bind=/srv/ro:/srv/ro;--bind=/srv/a:/srv/b;--tmpfs=/tmp/t;\n"
                   "\n"
                   "[Session Bus Policy]\n"
                   "org.example.Own=own\n"
                   "org.freedesktop.Notifications=talk\n"
                   "\n"
                   "[System Bus Policy]\n"
                   "org.freedesktop.UPower=see\n"
                   "\n"
                   "[Environment]\n"
                   "EMPTY=\n"
                   "FOO=bar\n"
                   "GONE=\n");
}

static void
test_keyfile_empty (void)
{
  g_autoptr(FpContext) context = fp_context_new ();
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  set_flag (context, FP_FLAGS_SHARED, "!network", TRUE);
  add_fs (context, "!home", TRUE);
  fp_context_save_keyfile (context, keyfile);
  groups = g_key_file_get_groups (keyfile, NULL);
  g_assert_cmpuint (g_strv_length (groups), ==, 0);
}

static void
test_keyfile_round_trip (void)
{
  g_autoptr(FpContext) context = full_context ();
  g_autoptr(FpContext) parsed = fp_context_new ();
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reparsed_text = NULL;
  g_auto(GStrv) keys = NULL;

  /* Values GKeyFile has to escape. */
  set_env (context, "SPACES", "  leading and trailing  ");
  set_env (context, "SEMI", "a;b;c");
  set_env (context, "BACKSLASH", "C:\\path\\n");
  set_env (context, "GROUP", "[Context]");
  set_env (context, "EQUALS", "a=b");
  set_env (context, "UNICODE", "\xc3\xa9t\xc3\xa9 \xe2\x9c\x93");
  add_fs (context, "/srv/semi;colon", TRUE);
  add_fs (context, "~/with space:ro", TRUE);
  set_policy (context, FALSE, "org.example.Prefix.*", "talk");
  text = keyfile_text (context);

  g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);

  for (int kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
    {
      g_auto(GStrv) names = g_key_file_get_string_list (keyfile, "Context",
                                                        fp_context_flags_key (kind), NULL, NULL);

      for (guint i = 0; names != NULL && names[i] != NULL; i++)
        set_flag (parsed, kind, names[i], TRUE);
      g_assert_cmphex (parsed->enabled[kind], ==, context->enabled[kind]);
    }

  {
    g_auto(GStrv) entries = g_key_file_get_string_list (keyfile, "Context", "filesystems", NULL, &error);

    g_assert_no_error (error);
    for (guint i = 0; entries[i] != NULL; i++)
      add_fs (parsed, entries[i], TRUE);
    g_assert_cmpint (fs_mode (parsed, "/srv/semi;colon"), ==, FP_FILESYSTEM_READ_WRITE);
    g_assert_cmpint (fs_mode (parsed, "~/with space"), ==, FP_FILESYSTEM_READ_ONLY);
    g_assert_cmpint (fs_mode (parsed, "xdg-download/Foo"), ==, FP_FILESYSTEM_CREATE);
    g_assert_cmpint (fs_mode (parsed, "/opt/data"), ==, FP_FILESYSTEM_READ_ONLY);
    g_assert_cmpint (fs_mode (parsed, "home"), ==, FP_FILESYSTEM_READ_WRITE);
    g_assert_cmpint (fs_mode (parsed, "/srv/same"), ==, FP_FILESYSTEM_READ_WRITE);
    g_assert_cmpint (fs_mode (parsed, "/srv/ro"), ==, FP_FILESYSTEM_READ_ONLY);
    g_assert_cmpint (fs_mode (parsed, "host"), ==, -1);
    g_assert_cmpuint (g_hash_table_size (parsed->filesystems), ==, 7);
  }

  {
    g_auto(GStrv) dirs = g_key_file_get_string_list (keyfile, "Context", "persistent", NULL, &error);

    g_assert_no_error (error);
    for (guint i = 0; dirs[i] != NULL; i++)
      g_assert_true (fp_context_add_persistent (parsed, dirs[i], NULL));
    g_assert_cmpuint (g_hash_table_size (parsed->persistent), ==, 2);
  }

  for (int system_bus = 0; system_bus < 2; system_bus++)
    {
      const char *group = system_bus ? "System Bus Policy" : "Session Bus Policy";
      g_auto(GStrv) names = g_key_file_get_keys (keyfile, group, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *value = g_key_file_get_string (keyfile, group, names[i], &error);

          g_assert_no_error (error);
          set_policy (parsed, system_bus, names[i], value);
        }
    }
  /* A "none" policy is left out, as Flatpak leaves it out. */
  g_assert_cmpuint (g_hash_table_size (parsed->session_bus_policy), ==, 3);
  g_assert_cmpint (policy (parsed, FALSE, "org.example.Prefix.*"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (parsed, FALSE, "org.example.Hidden"), ==, -1);
  g_assert_cmpint (policy (parsed, TRUE, "org.freedesktop.UPower"), ==, FP_POLICY_SEE);

  keys = g_key_file_get_keys (keyfile, "Environment", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_string (keyfile, "Environment", keys[i], &error);

      g_assert_no_error (error);
      if (g_str_equal (keys[i], "GONE"))
        continue;
      g_assert_cmpstr (value, ==, g_hash_table_lookup (context->env, keys[i]));
      set_env (parsed, keys[i], value);
    }
  /* Every variable; an unset one as Flatpak writes it, GONE= and in
   * unset-environment. */
  g_assert_cmpuint (g_strv_length (keys), ==, g_hash_table_size (context->env));
  {
    g_autofree char *gone = g_key_file_get_string (keyfile, "Environment", "GONE", NULL);
    g_auto(GStrv) unset = g_key_file_get_string_list (keyfile, "Context", "unset-environment", NULL, NULL);

    g_assert_cmpstr (gone, ==, "");
    g_assert_nonnull (unset);
    g_assert_cmpstr (unset[0], ==, "GONE");
    g_assert_null (unset[1]);
  }

  /* No value was taken for a group. */
  {
    g_auto(GStrv) groups = g_key_file_get_groups (keyfile, NULL);
    static const char *const expected[] = {
      "Context", "Fauxpak", "Session Bus Policy", "System Bus Policy", "Environment", NULL
    };

    g_assert_true (g_strv_equal ((const char *const *) groups, expected));
  }

  /* Reading it back and writing it again gives the same text, less the raw
   * binds that came back as filesystems. */
  g_ptr_array_set_size (context->binds, 0);
  g_hash_table_remove (context->env, "GONE");
  g_hash_table_remove (context->session_bus_policy, "org.example.Hidden");
  add_fs (context, "/srv/same", TRUE);
  add_fs (context, "/srv/ro:ro", TRUE);
  g_free (text);
  text = keyfile_text (context);
  reparsed_text = keyfile_text (parsed);
  g_assert_cmpstr (reparsed_text, ==, text);
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/context/flag-names", test_flag_names);
  g_test_add_func ("/context/flags", test_flags_set);
  g_test_add_func ("/context/merge/flags", test_merge_flags);
  g_test_add_func ("/context/merge/flags-exhaustive", test_merge_flags_exhaustive);
  g_test_add_func ("/context/merge/tables", test_merge_tables);
  g_test_add_func ("/context/merge/empty", test_merge_empty);
  g_test_add_func ("/context/filesystem/parse", test_filesystem_parse);
  g_test_add_func ("/context/filesystem/home-spelling", test_filesystem_home_spelling);
  g_test_add_func ("/context/filesystem/errors", test_filesystem_errors);
  g_test_add_func ("/context/filesystem/add", test_filesystem_add);
  g_test_add_func ("/context/persistent", test_persistent);
  g_test_add_func ("/context/env", test_env);
  g_test_add_func ("/context/bus-policy", test_bus_policy);
  g_test_add_func ("/context/binds", test_binds);
  g_test_add_func ("/context/options/all", test_options_all);
  g_test_add_func ("/context/options/negation", test_options_negation);
  g_test_add_func ("/context/options/errors", test_options_errors);
  g_test_add_func ("/context/keyfile/exact", test_keyfile_exact);
  g_test_add_func ("/context/keyfile/empty", test_keyfile_empty);
  g_test_add_func ("/context/keyfile/round-trip", test_keyfile_round_trip);
  return g_test_run ();
}
