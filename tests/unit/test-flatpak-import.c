/* Importing Flatpak's own descriptions of an app: manifests (JSON, YAML)
 * and metadata keyfiles, directly and through a profile's imports. */
#include "fp-test-util.h"
#include "fp-flatpak-import.h"

static const char yaml_manifest[] =
  "app-id: com.example.Chat\n"
  "command: chat\n"
  "finish-args:\n"
  "  - --share=network\n"
  "  - --socket=wayland\n"
  "  - --device=dri\n"
  "  - --filesystem=xdg-download:ro\n"
  "  - --talk-name=org.freedesktop.Notifications\n"
  "  - --system-talk-name=org.freedesktop.login1\n"
  "  - --env=CHAT_MODE=sandboxed\n"
  "  - --persist=.chat\n"
  "  - --metadata=X-DConf=migrate-path=/com/example/Chat/\n";

static void
assert_chat_profile (FpProfile *profile)
{
  FpContext *ctx = profile->context;

  g_assert_cmpstr (profile->app_id, ==, "com.example.Chat");
  g_assert_nonnull (profile->command);
  g_assert_cmpstr (profile->command[0], ==, "chat");
  g_assert_true (fp_context_has (ctx, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_assert_true (fp_context_has (ctx, FP_FLAGS_DEVICES, FP_DEVICE_DRI));
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (ctx->filesystems, "xdg-download")), ==,
                   FP_FILESYSTEM_READ_ONLY);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (ctx->session_bus_policy,
                                                         "org.freedesktop.Notifications")), ==, FP_POLICY_TALK);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (ctx->system_bus_policy,
                                                         "org.freedesktop.login1")), ==, FP_POLICY_TALK);
  g_assert_cmpstr (g_hash_table_lookup (ctx->env, "CHAT_MODE"), ==, "sandboxed");
  g_assert_true (g_hash_table_contains (ctx->persistent, ".chat"));
}

static void
test_yaml_manifest (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = fp_test_write (dir, "com.example.Chat.yaml", yaml_manifest);
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (fp_flatpak_import_manifest (profile, path, &error));
  g_assert_no_error (error);
  assert_chat_profile (profile);
}

static void
test_json_manifest (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = fp_test_write (dir, "com.example.Chat.json",
    "{ \"id\": \"com.example.Chat\", \"command\": \"chat\", \"modules\": [],\n"
    "  \"finish-args\": [\"--share=network\", \"--socket=wayland\", \"--device=dri\",\n"
    "    \"--filesystem=xdg-download:ro\", \"--talk-name=org.freedesktop.Notifications\",\n"
    "    \"--system-talk-name=org.freedesktop.login1\", \"--env=CHAT_MODE=sandboxed\",\n"
    "    \"--persist=.chat\"] }\n");
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (fp_flatpak_import_manifest (profile, path, &error));
  g_assert_no_error (error);
  assert_chat_profile (profile);
}

static void
test_metadata (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = fp_test_write (dir, "metadata",
    "[Application]\nname=com.example.Chat\nruntime=org.gnome.Platform/x86_64/46\ncommand=chat\n\n"
    "[Context]\nshared=network;\nsockets=wayland;\ndevices=dri;\nfilesystems=xdg-download:ro;\npersistent=.chat;\n\n"
    "[Session Bus Policy]\norg.freedesktop.Notifications=talk\n\n"
    "[System Bus Policy]\norg.freedesktop.login1=talk\n\n"
    "[Environment]\nCHAT_MODE=sandboxed\n");
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (fp_flatpak_import_metadata (profile, path, &error));
  g_assert_no_error (error);
  assert_chat_profile (profile);
}

static void
test_profile_imports_and_overrides (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  fp_test_put (dir, "com.example.Chat.yaml", yaml_manifest);
  g_autofree char *profile_path = fp_test_write (dir, "chat.json",
    "{ \"imports\": [\"flatpak-manifest:com.example.Chat.yaml\"],\n"
    "  \"command\": [\"/usr/bin/chat-native\"], \"shared\": [\"!network\"] }\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(FpProfile) profile = fp_profile_load (profile_path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  g_assert_cmpstr (profile->app_id, ==, "com.example.Chat");
  /* The profile's own keys win over what it imports. */
  g_assert_cmpstr (profile->command[0], ==, "/usr/bin/chat-native");
  g_assert_false (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
}

static void
test_errors (void)
{
  static const struct { const char *name; const char *contents; const char *expected; } cases[] = {
    { "no-id.yaml", "command: x\n", "key \"id\" (or \"app-id\") is missing" },
    { "bad-id.json", "{\"id\": \"chat\"}", "key \"id\": app id \"chat\" has only one element" },
    { "bad-arg.yaml", "app-id: a.b\nfinish-args:\n  - --share=internet\n",
      "key \"finish-args[0]\": unknown shared value \"internet\"" },
    { "unknown-arg.yaml", "app-id: a.b\nfinish-args:\n  - --frobnicate=1\n",
      "key \"finish-args[0]\": --frobnicate is not a permission option" },
    { "not-option.yaml", "app-id: a.b\nfinish-args:\n  - share=network\n",
      "key \"finish-args[0]\": \"share=network\" is not an option" },
    /* fauxpak's own options are no Flatpak manifest's, however spelled. */
    { "bind.yaml", "app-id: a.b\nfinish-args:\n  - --share=ipc\n  - --bind=/:/var/lib/cache\n",
      "key \"finish-args[1]\": --bind is fauxpak's own option, not Flatpak's" },
    { "ro-bind.json", "{\"id\": \"a.b\", \"finish-args\": [\"--ro-bind=/etc:/x\"]}",
      "--ro-bind is fauxpak's own option" },
    { "dev-bind.yaml", "app-id: a.b\nfinish-args:\n  - --dev-bind=/dev:/dev\n", "--dev-bind is fauxpak's own option" },
    { "tmpfs.yaml", "app-id: a.b\nfinish-args:\n  - --tmpfs=/run\n", "--tmpfs is fauxpak's own option" },
    { "bind-novalue.yaml", "app-id: a.b\nfinish-args:\n  - --bind\n", "--bind is fauxpak's own option" },
    { "see-name.yaml", "app-id: a.b\nfinish-args:\n  - --see-name=org.x.Y\n", "--see-name is fauxpak's own option" },
    { "xdg-run.yaml", "app-id: a.b\nfinish-args:\n  - --filesystem=xdg-run/./\n", "xdg-run needs a sub-path" },
    { "syntax.yaml", "app-id: [a\n", "syntax.yaml:" },
    { "syntax.json", "{\"id\": }", "syntax.json:1:" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
      g_autofree char *path = fp_test_write (dir, cases[i].name, cases[i].contents);
      g_autoptr(FpProfile) profile = fp_profile_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (fp_flatpak_import_manifest (profile, path, &error));
      g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE);
      fp_assert_contains (error->message, path);
      fp_assert_contains (error->message, cases[i].expected);
    }

  {
    g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
    g_autofree char *path = fp_test_write (dir, "metadata", "[Application]\nname=a.b\n[Context]\nshared=internet;\n");
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (fp_flatpak_import_metadata (profile, path, &error));
    fp_assert_contains (error->message, "[Context] shared: unknown shared value \"internet\"");
  }
}

/* Ten-way aliases six levels deep: 600 bytes of YAML that expand to
 * millions of nodes. It must be refused quickly, naming the file, and not
 * take the machine's memory. */
static void
test_alias_bomb (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autoptr(GString) yaml = g_string_new ("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
  g_autofree char *path = NULL;
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GError) error = NULL;
  gint64 start;

  for (int level = 1; level <= 6; level++)
    {
      g_string_append_printf (yaml, "a%d: &a%d [", level, level);
      for (int i = 0; i < 10; i++)
        g_string_append_printf (yaml, "%s*a%d", i ? ", " : "", level - 1);
      g_string_append (yaml, "]\n");
    }
  g_string_append (yaml, "app-id: com.example.Bomb\n");
  path = fp_test_write (dir, "bomb.yaml", yaml->str);

  start = g_get_monotonic_time ();
  g_assert_false (fp_flatpak_import_manifest (profile, path, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE);
  fp_assert_contains (error->message, path);
  fp_assert_contains (error->message, "too large");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

/* Anchors and aliases themselves are fine: manifests share build options
 * that way. */
static void
test_aliases (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = fp_test_write (dir, "aliases.yaml",
    "app-id: com.example.Chat\n"
    "x-args: &args [--share=network, --socket=wayland]\n"
    "finish-args: *args\n");
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (fp_flatpak_import_manifest (profile, path, &error));
  g_assert_no_error (error);
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
}

/* An anchor inside its own value is a cycle: refused, not followed. */
static void
test_alias_cycle (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = fp_test_write (dir, "cycle.yaml", "app-id: a.b\nloop: &l [*l]\n");
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (fp_flatpak_import_manifest (profile, path, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE);
  fp_assert_contains (error->message, path);
  fp_assert_contains (error->message, "nested too deeply");
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/flatpak-import/yaml-manifest", test_yaml_manifest);
  g_test_add_func ("/flatpak-import/json-manifest", test_json_manifest);
  g_test_add_func ("/flatpak-import/metadata", test_metadata);
  g_test_add_func ("/flatpak-import/profile-imports", test_profile_imports_and_overrides);
  g_test_add_func ("/flatpak-import/errors", test_errors);
  g_test_add_func ("/flatpak-import/alias-bomb", test_alias_bomb);
  g_test_add_func ("/flatpak-import/aliases", test_aliases);
  g_test_add_func ("/flatpak-import/alias-cycle", test_alias_cycle);
  return g_test_run ();
}
