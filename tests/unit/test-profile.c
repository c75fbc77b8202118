/* Profile loading: every key, imports and presets, and every error. */
#include "config.h"
#include "fp-profile.h"
#include "fp-error.h"
#include "fp-test-util.h"

#include <json-glib/json-glib.h>
#include <string.h>

static int
fs_mode (const FpProfile *profile, const char *location)
{
  gpointer value;

  if (!g_hash_table_lookup_extended (profile->context->filesystems, location, NULL, &value))
    return -1;
  return GPOINTER_TO_INT (value);
}

static int
policy (const FpProfile *profile, gboolean system_bus, const char *name)
{
  gpointer value;
  GHashTable *table = system_bus ? profile->context->system_bus_policy
                                 : profile->context->session_bus_policy;

  if (!g_hash_table_lookup_extended (table, name, NULL, &value))
    return -1;
  return GPOINTER_TO_INT (value);
}

static const FpBind *
bind_at (const FpProfile *profile, guint i)
{
  g_assert_cmpuint (i, <, profile->context->binds->len);
  return g_ptr_array_index (profile->context->binds, i);
}

/* Loads a file that must fail with `code`; returns the message. */
static char *
load_file_fail (const char *path, FpError code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FpProfile) profile = fp_profile_load (path, &error);

  g_assert_null (profile);
  g_assert_error (error, FP_ERROR, (int) code);
  return g_strdup (error->message);
}

static FpProfile *
load_file_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  FpProfile *profile = fp_profile_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

typedef struct {
  const char *json;
  const char *message;   /* the whole message after "test.json: " */
} ErrorCase;

static void
check_error_cases (const ErrorCase *cases, gsize n_cases, FpError code)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_autofree char *message = NULL;
      g_autofree char *expected = g_strconcat ("test.json: ", cases[i].message, NULL);

      fp_test_note ("profile %s", cases[i].json);
      message = fp_test_load_fail (cases[i].json, code);
      g_assert_cmpstr (message, ==, expected);
    }
}

static void
test_defaults (void)
{
  g_autoptr(FpProfile) profile = fp_test_load_ok ("{}");

  g_assert_null (profile->source_path);
  g_assert_null (profile->app_id);
  g_assert_null (profile->command);
  g_assert_cmpint (profile->runtime, ==, FP_RUNTIME_HOST);
  g_assert_null (profile->runtime_paths);
  g_assert_true (profile->runtime_host_etc);
  g_assert_cmpint (profile->documents, ==, FP_DOCUMENTS_OPTIONAL);
  for (int kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
    {
      g_assert_cmphex (profile->context->enabled[kind], ==, 0);
      g_assert_cmphex (profile->context->valid[kind], ==, 0);
    }
  g_assert_cmpuint (g_hash_table_size (profile->context->filesystems), ==, 0);
  g_assert_cmpuint (g_hash_table_size (profile->context->env), ==, 0);
  g_assert_cmpuint (profile->context->binds->len, ==, 0);
}

static void
test_all_keys (void)
{
  g_autoptr(FpProfile) profile = NULL;
  g_autofree char *home_prefix = g_build_filename (g_get_home_dir (), "prefix", NULL);
  g_autofree char *home_src = g_build_filename (g_get_home_dir (), "src", NULL);
  static const char *const command[] = { "/usr/bin/app", "--flag", "arg with space", NULL };
  const FpBind *bind;

  g_setenv ("FP_TEST_STORE", "/nix/store", TRUE);
  g_setenv ("FP_TEST_DATA", "/srv/data", TRUE);
  profile = fp_test_load_ok (
    "{\n"
    "  \"$schema\": \"https://example.org/fauxpak-profile.schema.json\",\n"
    "  \"description\": \"Every key once.\",\n"
    "  \"app-id\": \"org.example.All\",\n"
    "  \"command\": [\"/usr/bin/app\", \"--flag\", \"arg with space\"],\n"
    "  \"runtime\": { \"paths\": [\"/nix/store/abc-app\", \"$FP_TEST_STORE//def-lib/./x/\", \"~/prefix\"],\n"
    "               \"host-etc\": false },\n"
    "  \"documents\": \"required\",\n"
    "  \"shared\": [\"network\", \"!ipc\"],\n"
    "  \"sockets\": [\"wayland\", \"pulseaudio\", \"!x11\"],\n"
    "  \"devices\": [\"dri\", \"!all\"],\n"
    "  \"features\": [\"devel\", \"bluetooth\"],\n"
    "  \"filesystems\": [\"xdg-download:ro\", \"${FP_TEST_DATA}/in:create\", \"!home\", \"~/work/\"],\n"
    "  \"persistent\": [\".app\", \".config/app\"],\n"
    "  \"environment\": { \"A\": \"1\", \"B\": null, \"C\": \"$NOT_EXPANDED\" },\n"
    "  \"session-bus-policy\": { \"org.example.Talk\": \"talk\", \"org.example.Own.*\": \"own\" },\n"
    "  \"system-bus-policy\": { \"org.freedesktop.UPower\": \"see\", \"org.example.None\": \"none\" },\n"
    "  \"binds\": [\n"
    "    { \"type\": \"ro-bind\", \"source\": \"/etc/hosts\", \"dest\": \"/etc/hosts2\", \"optional\": true },\n"
    "    { \"source\": \"~/src\" },\n"
    "    { \"type\": \"dev-bind\", \"source\": \"/dev/dri\", \"optional\": false },\n"
    "    { \"type\": \"tmpfs\", \"dest\": \"/tmp/scratch\" },\n"
    "    { \"type\": \"bind\", \"source\": \"$FP_TEST_DATA//x/\", \"dest\": \"/data\" }\n"
    "  ]\n"
    "}\n");
  g_unsetenv ("FP_TEST_STORE");
  g_unsetenv ("FP_TEST_DATA");

  g_assert_cmpstr (profile->app_id, ==, "org.example.All");
  g_assert_true (g_strv_equal ((const char *const *) profile->command, command));
  g_assert_cmpint (profile->runtime, ==, FP_RUNTIME_PATHS);
  g_assert_cmpuint (g_strv_length (profile->runtime_paths), ==, 3);
  g_assert_cmpstr (profile->runtime_paths[0], ==, "/nix/store/abc-app");
  g_assert_cmpstr (profile->runtime_paths[1], ==, "/nix/store/def-lib/x");
  g_assert_cmpstr (profile->runtime_paths[2], ==, home_prefix);
  g_assert_false (profile->runtime_host_etc);
  g_assert_cmpint (profile->documents, ==, FP_DOCUMENTS_REQUIRED);

  g_assert_cmphex (profile->context->enabled[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK);
  g_assert_cmphex (profile->context->valid[FP_FLAGS_SHARED], ==, FP_SHARE_NETWORK | FP_SHARE_IPC);
  g_assert_cmphex (profile->context->enabled[FP_FLAGS_SOCKETS], ==, FP_SOCKET_WAYLAND | FP_SOCKET_PULSEAUDIO);
  g_assert_cmphex (profile->context->valid[FP_FLAGS_SOCKETS], ==,
                   FP_SOCKET_WAYLAND | FP_SOCKET_PULSEAUDIO | FP_SOCKET_X11);
  g_assert_cmphex (profile->context->enabled[FP_FLAGS_DEVICES], ==, FP_DEVICE_DRI);
  g_assert_cmphex (profile->context->valid[FP_FLAGS_DEVICES], ==, FP_DEVICE_DRI | FP_DEVICE_ALL);
  g_assert_cmphex (profile->context->enabled[FP_FLAGS_FEATURES], ==, FP_FEATURE_DEVEL | FP_FEATURE_BLUETOOTH);

  g_assert_cmpuint (g_hash_table_size (profile->context->filesystems), ==, 4);
  g_assert_cmpint (fs_mode (profile, "xdg-download"), ==, FP_FILESYSTEM_READ_ONLY);
  g_assert_cmpint (fs_mode (profile, "/srv/data/in"), ==, FP_FILESYSTEM_CREATE);
  g_assert_cmpint (fs_mode (profile, "home"), ==, FP_FILESYSTEM_NONE);
  g_assert_cmpint (fs_mode (profile, "~/work"), ==, FP_FILESYSTEM_READ_WRITE);

  g_assert_cmpuint (g_hash_table_size (profile->context->persistent), ==, 2);
  g_assert_true (g_hash_table_contains (profile->context->persistent, ".app"));
  g_assert_true (g_hash_table_contains (profile->context->persistent, ".config/app"));

  g_assert_cmpuint (g_hash_table_size (profile->context->env), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "A"), ==, "1");
  g_assert_true (g_hash_table_contains (profile->context->env, "B"));
  g_assert_null (g_hash_table_lookup (profile->context->env, "B"));
  /* Environment values are not paths: no expansion. */
  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "C"), ==, "$NOT_EXPANDED");

  g_assert_cmpint (policy (profile, FALSE, "org.example.Talk"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (profile, FALSE, "org.example.Own.*"), ==, FP_POLICY_OWN);
  g_assert_cmpint (policy (profile, TRUE, "org.freedesktop.UPower"), ==, FP_POLICY_SEE);
  g_assert_cmpint (policy (profile, TRUE, "org.example.None"), ==, FP_POLICY_NONE);
  g_assert_cmpuint (g_hash_table_size (profile->context->session_bus_policy), ==, 2);
  g_assert_cmpuint (g_hash_table_size (profile->context->system_bus_policy), ==, 2);

  g_assert_cmpuint (profile->context->binds->len, ==, 5);
  bind = bind_at (profile, 0);
  g_assert_cmpint (bind->kind, ==, FP_BIND_RO);
  g_assert_cmpstr (bind->source, ==, "/etc/hosts");
  g_assert_cmpstr (bind->dest, ==, "/etc/hosts2");
  g_assert_true (bind->optional);
  bind = bind_at (profile, 1);
  g_assert_cmpint (bind->kind, ==, FP_BIND_RW);           /* the default type */
  g_assert_cmpstr (bind->source, ==, home_src);
  g_assert_cmpstr (bind->dest, ==, home_src);             /* dest defaults to source */
  g_assert_false (bind->optional);
  bind = bind_at (profile, 2);
  g_assert_cmpint (bind->kind, ==, FP_BIND_DEV);
  g_assert_cmpstr (bind->source, ==, "/dev/dri");
  g_assert_cmpstr (bind->dest, ==, "/dev/dri");
  g_assert_false (bind->optional);
  bind = bind_at (profile, 3);
  g_assert_cmpint (bind->kind, ==, FP_BIND_TMPFS);
  g_assert_null (bind->source);
  g_assert_cmpstr (bind->dest, ==, "/tmp/scratch");
  bind = bind_at (profile, 4);
  g_assert_cmpint (bind->kind, ==, FP_BIND_RW);
  g_assert_cmpstr (bind->source, ==, "/srv/data/x");
  g_assert_cmpstr (bind->dest, ==, "/data");
}

static void
test_command (void)
{
  static const ErrorCase errors[] = {
    { "{\"command\": []}", "key \"command\": expected a program name and its arguments; the list is empty" },
    { "{\"command\": \"\"}", "key \"command\": expected a program name and its arguments; the list is empty" },
    { "{\"command\": [\"\", \"x\"]}", "key \"command\": expected a program name and its arguments; the list is empty" },
    { "{\"command\": [\"a\", 1]}", "key \"command[1]\": expected a string, found a number" },
    { "{\"command\": [[\"a\"]]}", "key \"command[0]\": expected a string, found an array" },
    { "{\"command\": {}}", "key \"command\": expected an array of strings, found an object" },
    { "{\"command\": null}", "key \"command\": expected an array of strings, found null" },
    { "{\"command\": true}", "key \"command\": expected an array of strings, found a boolean" },
    { "{\"command\": 2.5}", "key \"command\": expected an array of strings, found a number" },
  };
  g_autoptr(FpProfile) single = fp_test_load_ok ("{\"command\": \"gedit\"}");
  g_autoptr(FpProfile) array = fp_test_load_ok ("{\"command\": [\"sh\", \"-c\", \"\", \"x\"]}");
  static const char *const expected_single[] = { "gedit", NULL };
  static const char *const expected_array[] = { "sh", "-c", "", "x", NULL };

  g_assert_true (g_strv_equal ((const char *const *) single->command, expected_single));
  g_assert_true (g_strv_equal ((const char *const *) array->command, expected_array));
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_runtime (void)
{
  static const ErrorCase errors[] = {
    { "{\"runtime\": \"nix\"}", "key \"runtime\": expected \"host\" or {\"paths\": […]}, found \"nix\"" },
    { "{\"runtime\": 5}", "key \"runtime\": expected \"host\" or {\"paths\": […]}, found a number" },
    { "{\"runtime\": [\"/nix\"]}", "key \"runtime\": expected \"host\" or {\"paths\": […]}, found an array" },
    { "{\"runtime\": {}}", "key \"runtime\": missing \"paths\" or \"paths-from\"; write \"host\" for the host runtime" },
    { "{\"runtime\": {\"host-etc\": true}}", "key \"runtime\": missing \"paths\" or \"paths-from\"; write \"host\" for the host runtime" },
    { "{\"runtime\": {\"paths\": \"/nix\"}}", "key \"runtime.paths\": expected an array of absolute paths, found a string" },
    { "{\"runtime\": {\"paths\": [\"nix/store\"]}}",
      "key \"runtime.paths[0]\": \"nix/store\" is not an absolute path; expected /…, ~/… or $VAR/…" },
    { "{\"runtime\": {\"paths\": [\"/nix\", \"/nix/store/../etc\"]}}",
      "key \"runtime.paths[1]\": \"/nix/store/../etc\" contains \"..\"; name the directory itself" },
    { "{\"runtime\": {\"paths\": [1]}}", "key \"runtime.paths[0]\": expected a string, found a number" },
    { "{\"runtime\": {\"paths\": [], \"host-etc\": \"yes\"}}", "key \"runtime.host-etc\": expected true or false, found a string" },
    { "{\"runtime\": {\"paths\": [], \"etc\": true}}", "key \"runtime.etc\": unknown key; expected paths, paths-from or host-etc" },
  };
  g_autoptr(FpProfile) host = fp_test_load_ok ("{\"runtime\": \"host\"}");
  g_autoptr(FpProfile) empty = fp_test_load_ok ("{\"runtime\": {\"paths\": []}}");
  g_autoptr(FpProfile) etc = fp_test_load_ok ("{\"runtime\": {\"paths\": [\"~\"], \"host-etc\": true}}");
  g_autofree char *message = NULL;

  g_assert_cmpint (host->runtime, ==, FP_RUNTIME_HOST);
  g_assert_true (host->runtime_host_etc);
  g_assert_cmpint (empty->runtime, ==, FP_RUNTIME_PATHS);
  g_assert_nonnull (empty->runtime_paths);
  g_assert_cmpuint (g_strv_length (empty->runtime_paths), ==, 0);
  g_assert_true (empty->runtime_host_etc);
  g_assert_cmpstr (etc->runtime_paths[0], ==, g_get_home_dir ());
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);

  g_unsetenv ("FP_TEST_UNSET");
  message = fp_test_load_fail ("{\"runtime\": {\"paths\": [\"/nix\", \"$FP_TEST_UNSET/lib\"]}}",
                               FP_ERROR_UNSET_VARIABLE);
  g_assert_cmpstr (message, ==, "test.json: key \"runtime.paths[1]\": \"$FP_TEST_UNSET/lib\" uses "
                                "$FP_TEST_UNSET, which is not set in the environment");
}

/* "runtime.paths-from": a closure file, as closureInfo's store-paths. */
static void
test_runtime_paths_from (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *profile_path = fp_test_write (dir, "nix/app.json",
                                                 "{\"runtime\": {\"paths\": [\"/opt/extra\"], \"paths-from\": \"store-paths\","
                                                 " \"host-etc\": false}}");
  const char *by_variable = "{\"runtime\": {\"paths-from\": \"$FP_TEST_NIX/store-paths\"}}";
  g_autofree char *nix_dir = g_build_filename (dir->path, "nix", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FpProfile) relative = NULL;
  g_autoptr(FpProfile) variable = NULL;
  static const char *const expected[] = {
    "/opt/extra", "/nix/store/aaa-app", "/nix/store/bbb-lib/x", "/nix/store/ccc-glibc", NULL
  };
  static const struct { const char *name; const char *contents; const char *message; } bad_files[] = {
    { "relative", "/nix/store/aaa\nnix/store/bbb\n", "relative:2: \"nix/store/bbb\" is not an absolute path; expected one absolute path a line" },
    { "dotdot", "/nix/store/aaa\n\n/nix/store/../etc\n", "dotdot:3: \"/nix/store/../etc\" contains \"..\"; name the directory itself" },
    { "control", "/nix/store/a\tb\n", "control:1: path \"/nix/store/a\tb\" contains a newline or other control character" },
    { "crlf", "/nix/store/aaa\r\n", "crlf:1: path \"/nix/store/aaa\r\" contains a newline or other control character" },
    { "empty", "\n\n", "empty: no paths; expected one absolute path a line" },
  };

  fp_test_put (dir, "nix/store-paths", "/nix/store/aaa-app\n/nix/store/bbb-lib//x/\n\n/nix/store/ccc-glibc\n");
  relative = fp_profile_load (profile_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (relative->runtime, ==, FP_RUNTIME_PATHS);
  g_assert_true (g_strv_equal ((const char *const *) relative->runtime_paths, expected));
  g_assert_false (relative->runtime_host_etc);

  g_setenv ("FP_TEST_NIX", nix_dir, TRUE);
  variable = fp_test_load_ok (by_variable);
  g_unsetenv ("FP_TEST_NIX");
  g_assert_cmpuint (g_strv_length (variable->runtime_paths), ==, 3);
  g_assert_cmpstr (variable->runtime_paths[0], ==, "/nix/store/aaa-app");

  /* A bad line: the key, the file and the line. */
  for (gsize i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *file = fp_test_write (dir, bad_files[i].name, bad_files[i].contents);
      g_autofree char *json = g_strdup_printf ("{\"runtime\": {\"paths-from\": \"%s\"}}", file);
      g_autofree char *message = fp_test_load_fail (json, FP_ERROR_INVALID_PROFILE);
      g_autofree char *expected_message = g_strdup_printf ("test.json: key \"runtime.paths-from\": %s/%s",
                                                           dir->path, bad_files[i].message);

      fp_test_note ("%s", message);
      g_assert_cmpstr (message, ==, expected_message);
    }

  /* A NUL byte, a missing file, a directory, a device, not a string. */
  {
    g_autofree char *nul_file = g_build_filename (dir->path, "nul", NULL);
    g_autofree char *json = g_strdup_printf ("{\"runtime\": {\"paths-from\": \"%s\"}}", nul_file);
    g_autofree char *message = NULL;
    g_autofree char *expected_message = g_strdup_printf ("test.json: key \"runtime.paths-from\": %s:2: a NUL byte; "
                                                         "expected one path a line", nul_file);

    g_assert_true (g_file_set_contents (nul_file, "/nix/a\n/nix/\0b\n", 15, NULL));
    message = fp_test_load_fail (json, FP_ERROR_INVALID_PROFILE);
    g_assert_cmpstr (message, ==, expected_message);
  }
  {
    g_autofree char *message = fp_test_load_fail ("{\"runtime\": {\"paths-from\": \"/nonexistent/store-paths\"}}",
                                                  FP_ERROR_INVALID_PROFILE);
    g_assert_cmpstr (message, ==, "test.json: key \"runtime.paths-from\": /nonexistent/store-paths: no such file; "
                                  "expected a file of paths, one a line");
  }
  {
    g_autofree char *json = g_strdup_printf ("{\"runtime\": {\"paths-from\": \"%s\"}}", dir->path);
    g_autofree char *message = fp_test_load_fail (json, FP_ERROR_INVALID_PROFILE);
    fp_assert_contains (message, ": not a regular file; expected a file of paths, one a line");
  }
  {
    g_autofree char *message = fp_test_load_fail ("{\"runtime\": {\"paths-from\": \"/dev/zero\"}}", FP_ERROR_INVALID_PROFILE);
    g_assert_cmpstr (message, ==, "test.json: key \"runtime.paths-from\": /dev/zero: not a regular file; "
                                  "expected a file of paths, one a line");
  }
  {
    g_autofree char *message = fp_test_load_fail ("{\"runtime\": {\"paths-from\": [\"/a\"]}}", FP_ERROR_INVALID_PROFILE);
    g_assert_cmpstr (message, ==, "test.json: key \"runtime.paths-from\": expected a string, found an array");
  }
  {
    g_autofree char *message = fp_test_load_fail ("{\"runtime\": {\"paths-from\": \"\"}}", FP_ERROR_INVALID_PROFILE);
    g_assert_cmpstr (message, ==, "test.json: key \"runtime.paths-from\": expected the path of a file, found an empty string");
  }
  {
    g_autofree char *message = NULL;

    g_unsetenv ("FP_TEST_UNSET");
    message = fp_test_load_fail ("{\"runtime\": {\"paths-from\": \"$FP_TEST_UNSET/store-paths\"}}", FP_ERROR_UNSET_VARIABLE);
    g_assert_cmpstr (message, ==, "test.json: key \"runtime.paths-from\": \"$FP_TEST_UNSET/store-paths\" uses "
                                  "$FP_TEST_UNSET, which is not set in the environment");
  }
}

static void
test_documents (void)
{
  static const ErrorCase errors[] = {
    { "{\"documents\": \"on\"}", "key \"documents\": unknown value \"on\"; expected optional, required or off" },
    { "{\"documents\": false}", "key \"documents\": expected a string, found a boolean" },
  };
  g_autoptr(FpProfile) optional = fp_test_load_ok ("{\"documents\": \"optional\"}");
  g_autoptr(FpProfile) required = fp_test_load_ok ("{\"documents\": \"required\"}");
  g_autoptr(FpProfile) off = fp_test_load_ok ("{\"documents\": \"off\"}");

  g_assert_cmpint (optional->documents, ==, FP_DOCUMENTS_OPTIONAL);
  g_assert_cmpint (required->documents, ==, FP_DOCUMENTS_REQUIRED);
  g_assert_cmpint (off->documents, ==, FP_DOCUMENTS_OFF);
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_text_keys (void)
{
  static const ErrorCase errors[] = {
    { "{\"$schema\": 1}", "key \"$schema\": expected a string, found a number" },
    { "{\"description\": [\"a\"]}", "key \"description\": expected a string, found an array" },
    { "{\"description\": null}", "key \"description\": expected a string, found null" },
  };
  g_autoptr(FpProfile) profile = fp_test_load_ok ("{\"$schema\": \"x\", \"description\": \"\"}");

  g_assert_null (profile->app_id);
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_flags (void)
{
  static const ErrorCase errors[] = {
    { "{\"shared\": \"network\"}", "key \"shared\": expected an array of strings, found a string" },
    { "{\"sockets\": [\"x11\", 3]}", "key \"sockets[1]\": expected a string, found a number" },
    { "{\"devices\": [null]}", "key \"devices[0]\": expected a string, found null" },
    { "{\"features\": {}}", "key \"features\": expected an array of strings, found an object" },
    { "{\"shared\": [\"network\", \"internet\"]}",
      "key \"shared[1]\": unknown shared value \"internet\"; expected one of: network, ipc" },
    { "{\"sockets\": [\"wayland\", \"!x12\"]}",
      "key \"sockets[1]\": unknown sockets value \"x12\"; expected one of: x11, wayland, pulseaudio, "
      "session-bus, system-bus, fallback-x11, ssh-auth, pcsc, cups, gpg-agent, inherit-wayland-socket, pipewire; did you mean \"x11\"?" },
    { "{\"devices\": [\"gpu\"]}", "key \"devices[0]\": unknown devices value \"gpu\"; expected one of: dri, all, kvm, shm, input, usb" },
    { "{\"features\": [\"devel\", \"DEVEL\"]}",
      "key \"features[1]\": unknown features value \"DEVEL\"; expected one of: devel, multiarch, bluetooth, canbus, per-app-dev-shm; did you mean \"devel\"?" },
  };
  g_autoptr(FpProfile) profile = fp_test_load_ok (
    "{\"shared\": [\"ipc\", \"!ipc\"], \"sockets\": [\"!x11\", \"x11\"], "
    "\"devices\": [], \"features\": [\"multiarch\", \"canbus\", \"per-app-dev-shm\"]}");

  /* Within one list, a later entry wins. */
  g_assert_false (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_IPC));
  g_assert_cmphex (profile->context->valid[FP_FLAGS_SHARED], ==, FP_SHARE_IPC);
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_X11));
  g_assert_cmphex (profile->context->valid[FP_FLAGS_DEVICES], ==, 0);
  g_assert_cmphex (profile->context->enabled[FP_FLAGS_FEATURES], ==,
                   FP_FEATURE_MULTIARCH | FP_FEATURE_CANBUS | FP_FEATURE_PER_APP_DEV_SHM);
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_filesystems (void)
{
  static const ErrorCase errors[] = {
    { "{\"filesystems\": \"home\"}", "key \"filesystems\": expected an array of strings, found a string" },
    { "{\"filesystems\": [\"home\", false]}", "key \"filesystems[1]\": expected a string, found a boolean" },
    { "{\"filesystems\": [\"/opt:rx\"]}",
      "key \"filesystems[0]\": filesystem \"/opt:rx\" has an unknown mode \":rx\"; expected :ro, :rw or :create" },
    { "{\"filesystems\": [\"home\", \"Documents\"]}",
      "key \"filesystems[1]\": filesystem \"Documents\" is not an absolute path, ~/path, home/path, host, host-os, "
      "host-etc, home or xdg-*[/path]" },
    { "{\"filesystems\": [\"~/a/../../etc\"]}",
      "key \"filesystems[0]\": filesystem \"~/a/../../etc\" contains \"..\"; name the directory itself" },
    { "{\"filesystems\": [\"/a\\n[Context]\"]}",
      "key \"filesystems[0]\": filesystem entry \"/a\n[Context]\" contains a newline or other control character" },
    { "{\"filesystems\": [\"$\"]}",
      "key \"filesystems[0]\": \"$\": '$' must start a variable name; write $$ for a literal '$'" },
  };
  g_autoptr(FpProfile) profile = NULL;
  g_autofree char *message = NULL;
  g_autofree char *cwd = g_get_current_dir ();

  g_setenv ("FP_TEST_DIR", "/srv/x", TRUE);
  profile = fp_test_load_ok ("{\"filesystems\": [\"$FP_TEST_DIR/a:ro\", \"${FP_TEST_DIR}b\", \"$PWD\", "
                             "\"/lit$$eral\", \"!$FP_TEST_DIR/c\"]}");
  g_unsetenv ("FP_TEST_DIR");
  g_assert_cmpint (fs_mode (profile, "/srv/x/a"), ==, FP_FILESYSTEM_READ_ONLY);
  g_assert_cmpint (fs_mode (profile, "/srv/xb"), ==, FP_FILESYSTEM_READ_WRITE);
  g_assert_cmpint (fs_mode (profile, cwd), ==, FP_FILESYSTEM_READ_WRITE);
  g_assert_cmpint (fs_mode (profile, "/lit$eral"), ==, FP_FILESYSTEM_READ_WRITE);
  g_assert_cmpint (fs_mode (profile, "/srv/x/c"), ==, FP_FILESYSTEM_NONE);
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);

  /* An unset variable names the variable, the key and the file. */
  g_unsetenv ("FP_TEST_UNSET");
  message = fp_test_load_fail ("{\"filesystems\": [\"home\", \"$FP_TEST_UNSET/data:ro\"]}",
                               FP_ERROR_UNSET_VARIABLE);
  g_assert_cmpstr (message, ==, "test.json: key \"filesystems[1]\": \"$FP_TEST_UNSET/data:ro\" uses "
                                "$FP_TEST_UNSET, which is not set in the environment");
}

static void
test_persistent (void)
{
  static const ErrorCase errors[] = {
    { "{\"persistent\": \".app\"}", "key \"persistent\": expected an array of strings, found a string" },
    { "{\"persistent\": [\"/abs\"]}",
      "key \"persistent[0]\": persist directory \"/abs\" must be a relative path inside home without \"..\"" },
    { "{\"persistent\": [\".a\", \"../b\"]}",
      "key \"persistent[1]\": persist directory \"../b\" must be a relative path inside home without \"..\"" },
    { "{\"persistent\": [\"\"]}",
      "key \"persistent[0]\": persist directory \"\" must be a relative path inside home without \"..\"" },
  };
  g_autoptr(FpProfile) profile = fp_test_load_ok ("{\"persistent\": [\".mozilla\", \".mozilla\", \"a/b\"]}");

  g_assert_cmpuint (g_hash_table_size (profile->context->persistent), ==, 2);
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_environment (void)
{
  static const ErrorCase errors[] = {
    { "{\"environment\": [\"A=b\"]}",
      "key \"environment\": expected an object of NAME: \"value\" (or null to unset), found an array" },
    { "{\"environment\": {\"A\": 1}}", "key \"environment.A\": expected a string, found a number" },
    { "{\"environment\": {\"A\": false}}", "key \"environment.A\": expected a string, found a boolean" },
    { "{\"environment\": {\"A B\": \"x\"}}",
      "key \"environment.A B\": environment variable name \"A B\" is invalid; expected letters, digits and '_'" },
    { "{\"environment\": {\"A\": \"x\\ny\"}}",
      "key \"environment.A\": environment value \"x\ny\" contains a newline or other control character" },
    { "{\"environment\": {\"A\": \"x\\n[Context]\\nfilesystems=host;\"}}",
      "key \"environment.A\": environment value \"x\n[Context]\nfilesystems=host;\" contains a newline or other control character" },
    { "{\"environment\": {\"A\\n[Context]\": \"x\"}}",
      "key \"environment.A\n[Context]\": environment variable name \"A\n[Context]\" is invalid; expected letters, digits and '_'" },
    { "{\"environment\": {\"[Context]\": \"x\"}}",
      "key \"environment.[Context]\": environment variable name \"[Context]\" is invalid; expected letters, digits and '_'" },
  };
  g_autoptr(FpProfile) profile = fp_test_load_ok ("{\"environment\": {\"EMPTY\": \"\", \"UNSET\": null, "
                                                  "\"GROUP\": \"[Context]\", \"U\": \"\\u00e9\"}}");

  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "EMPTY"), ==, "");
  g_assert_true (g_hash_table_contains (profile->context->env, "UNSET"));
  g_assert_null (g_hash_table_lookup (profile->context->env, "UNSET"));
  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "GROUP"), ==, "[Context]");
  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "U"), ==, "\xc3\xa9");
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_bus_policies (void)
{
  static const ErrorCase errors[] = {
    { "{\"session-bus-policy\": [\"org.x.Y\"]}",
      "key \"session-bus-policy\": expected an object of BUS.NAME: \"see\"|\"talk\"|\"own\"|\"none\", found an array" },
    { "{\"system-bus-policy\": \"talk\"}",
      "key \"system-bus-policy\": expected an object of BUS.NAME: \"see\"|\"talk\"|\"own\"|\"none\", found a string" },
    { "{\"session-bus-policy\": {\"org.x.Y\": 1}}", "key \"session-bus-policy.org.x.Y\": expected a string, found a number" },
    { "{\"session-bus-policy\": {\"org.x.Y\": null}}", "key \"session-bus-policy.org.x.Y\": expected a string, found null" },
    { "{\"session-bus-policy\": {\"org.x.Y\": \"chat\"}}",
      "key \"session-bus-policy.org.x.Y\": bus policy \"chat\" for org.x.Y is unknown; expected none, see, talk or own" },
    { "{\"system-bus-policy\": {\"bad\": \"talk\"}}",
      "key \"system-bus-policy.bad\": \"bad\" is not a D-Bus well-known name (optionally ending in .*)" },
  };
  g_autoptr(FpProfile) profile = fp_test_load_ok (
    "{\"session-bus-policy\": {\"org.a.See\": \"see\", \"org.a.Talk\": \"talk\", \"org.a.Own\": \"own\", "
    "\"org.a.None\": \"none\", \"org.a.*\": \"see\"}, \"system-bus-policy\": {\"org.a.Talk\": \"own\"}}");

  g_assert_cmpint (policy (profile, FALSE, "org.a.See"), ==, FP_POLICY_SEE);
  g_assert_cmpint (policy (profile, FALSE, "org.a.Talk"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (profile, FALSE, "org.a.Own"), ==, FP_POLICY_OWN);
  g_assert_cmpint (policy (profile, FALSE, "org.a.None"), ==, FP_POLICY_NONE);
  g_assert_cmpint (policy (profile, FALSE, "org.a.*"), ==, FP_POLICY_SEE);
  g_assert_cmpint (policy (profile, TRUE, "org.a.Talk"), ==, FP_POLICY_OWN);
  g_assert_cmpuint (g_hash_table_size (profile->context->system_bus_policy), ==, 1);
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_bus_rules (void)
{
  static const ErrorCase errors[] = {
    { "{\"session-bus-calls\": [\"org.a.B\"]}",
      "key \"session-bus-calls\": expected an object of BUS.NAME: [\"[METHOD][@PATH]\", …], found an array" },
    { "{\"system-bus-broadcasts\": {\"org.a.B\": \"*\"}}",
      "key \"system-bus-broadcasts.org.a.B\": expected an array of strings, found a string" },
    { "{\"session-bus-calls\": {\"org.a.B\": [\"*\", 1]}}",
      "key \"session-bus-calls.org.a.B[1]\": expected a string, found a number" },
    { "{\"session-bus-calls\": {\"org\": [\"*\"]}}",
      "key \"session-bus-calls.org\": \"org\" is not a D-Bus well-known name (optionally ending in .*)" },
    { "{\"session-bus-broadcasts\": {\"org.a.B\": [\"Method\"]}}",
      "key \"session-bus-broadcasts.org.a.B\": broadcast rule \"Method\" for org.a.B is not [METHOD][@PATH]: "
      "METHOD is *, an interface (optionally ending in .*) or interface.Method, PATH an object path "
      "(optionally ending in /*)" },
    { "{\"system-bus-calls\": {\"org.a.B\": [\"*@org/a\"]}}",
      "key \"system-bus-calls.org.a.B\": call rule \"*@org/a\" for org.a.B is not [METHOD][@PATH]: "
      "METHOD is *, an interface (optionally ending in .*) or interface.Method, PATH an object path "
      "(optionally ending in /*)" },
    { "{\"system-bus-calls\": {\"org.a.B\": [\"\"]}}",
      "key \"system-bus-calls.org.a.B\": call rule \"\" for org.a.B is not [METHOD][@PATH]: "
      "METHOD is *, an interface (optionally ending in .*) or interface.Method, PATH an object path "
      "(optionally ending in /*)" },
  };
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  fp_test_put (dir, "base.json",
    "{\"session-bus-calls\": {\"org.a.B\": [\"*\"], \"org.a.C\": [\"org.a.C.Get\"]}}");
  g_autofree char *app = fp_test_write (dir, "app.json",
    "{\"imports\": [\"base.json\"],"
    " \"session-bus-calls\": {\"org.a.B\": [\"org.a.B.Get@/org/a/B\", \"@/org/a/*\"]},"
    " \"session-bus-broadcasts\": {\"org.a.B\": [\"*@/org/a/B\"]},"
    " \"system-bus-calls\": {\"org.freedesktop.UPower\": [\"org.freedesktop.DBus.Properties.*@/\"]},"
    " \"system-bus-broadcasts\": {\"org.freedesktop.UPower\": []}}");
  g_autoptr(FpProfile) profile = load_file_ok (app);
  GHashTable *calls = fp_context_bus_rules (profile->context, FALSE, FALSE);
  GHashTable *broadcasts = fp_context_bus_rules (profile->context, FALSE, TRUE);
  GHashTable *system_calls = fp_context_bus_rules (profile->context, TRUE, FALSE);
  GHashTable *system_broadcasts = fp_context_bus_rules (profile->context, TRUE, TRUE);
  static const char *const b_calls[] = { "org.a.B.Get@/org/a/B", "@/org/a/*", NULL };
  static const char *const c_calls[] = { "org.a.C.Get", NULL };
  static const char *const b_broadcasts[] = { "*@/org/a/B", NULL };
  static const char *const upower_calls[] = { "org.freedesktop.DBus.Properties.*@/", NULL };

  /* A name's list replaces the imported one; other names are kept. */
  g_assert_true (g_strv_equal (g_hash_table_lookup (calls, "org.a.B"), b_calls));
  g_assert_true (g_strv_equal (g_hash_table_lookup (calls, "org.a.C"), c_calls));
  g_assert_true (g_strv_equal (g_hash_table_lookup (broadcasts, "org.a.B"), b_broadcasts));
  g_assert_true (g_strv_equal (g_hash_table_lookup (system_calls, "org.freedesktop.UPower"), upower_calls));
  g_assert_cmpuint (g_strv_length (g_hash_table_lookup (system_broadcasts, "org.freedesktop.UPower")), ==, 0);
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_binds (void)
{
  static const ErrorCase errors[] = {
    { "{\"binds\": {\"source\": \"/a\"}}", "key \"binds\": expected an array of bind objects, found an object" },
    { "{\"binds\": [\"/a:/b\"]}",
      "key \"binds[0]\": expected {\"type\": …, \"source\": …, \"dest\": …}, found a string" },
    { "{\"binds\": [{\"source\": \"/a\"}, {\"src\": \"/a\"}]}",
      "key \"binds[1].src\": unknown key; expected one of: type, source, dest, optional" },
    { "{\"binds\": [{\"source\": \"/a\"}, {\"type\": \"ro-bind\", \"dest\": \"/b\"}]}",
      "key \"binds[1].source\": missing; a ro-bind needs a source path" },
    { "{\"binds\": [{\"dest\": \"/b\"}]}", "key \"binds[0].source\": missing; a bind needs a source path" },
    { "{\"binds\": [{\"type\": \"dev-bind\"}]}", "key \"binds[0].source\": missing; a dev-bind needs a source path" },
    { "{\"binds\": [{\"type\": \"mount\", \"source\": \"/a\"}]}",
      "key \"binds[0].type\": unknown bind type \"mount\"; expected bind, ro-bind, dev-bind or tmpfs" },
    { "{\"binds\": [{\"type\": 1, \"source\": \"/a\"}]}", "key \"binds[0].type\": expected a string, found a number" },
    { "{\"binds\": [{\"source\": \"/a\", \"optional\": \"yes\"}]}",
      "key \"binds[0].optional\": expected true or false, found a string" },
    { "{\"binds\": [{\"source\": \"/a\", \"optional\": 1}]}",
      "key \"binds[0].optional\": expected true or false, found a number" },
    { "{\"binds\": [{\"type\": \"tmpfs\", \"source\": \"/a\", \"dest\": \"/b\"}]}",
      "key \"binds[0].source\": a tmpfs has no source" },
    { "{\"binds\": [{\"type\": \"tmpfs\"}]}", "key \"binds[0].dest\": missing; a tmpfs needs a destination path" },
    { "{\"binds\": [{\"source\": \"rel/x\"}]}",
      "key \"binds[0].source\": \"rel/x\" is not an absolute path; expected /…, ~/… or $VAR/…" },
    { "{\"binds\": [{\"source\": \"/a\", \"dest\": \"b\"}]}",
      "key \"binds[0].dest\": \"b\" is not an absolute path; expected /…, ~/… or $VAR/…" },
    { "{\"binds\": [{\"source\": \"/a\", \"dest\": \"/a/../b\"}]}",
      "key \"binds[0].dest\": \"/a/../b\" contains \"..\"; name the directory itself" },
    { "{\"binds\": [{\"source\": \"~/../root\"}]}",
      "key \"binds[0].source\": \"~/../root\" contains \"..\"; name the directory itself" },
    { "{\"binds\": [{\"source\": 5}]}", "key \"binds[0].source\": expected a string, found a number" },
  };
  g_autofree char *message = NULL;

  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);

  g_unsetenv ("FP_TEST_UNSET");
  message = fp_test_load_fail ("{\"binds\": [{\"source\": \"${FP_TEST_UNSET}/x\"}]}", FP_ERROR_UNSET_VARIABLE);
  g_assert_cmpstr (message, ==, "test.json: key \"binds[0].source\": \"${FP_TEST_UNSET}/x\" uses "
                                "$FP_TEST_UNSET, which is not set in the environment");
}

static void
test_unknown_key (void)
{
  static const char *const keys[] = {
    "$schema", "description", "imports", "app-id", "command", "runtime", "documents", "shared",
    "sockets", "devices", "features", "filesystems", "persistent", "environment",
    "session-bus-policy", "system-bus-policy", "binds", NULL
  };
  g_autofree char *message = fp_test_load_fail ("{\"app-id\": \"org.example.App\", \"socket\": [\"x11\"]}",
                                                FP_ERROR_INVALID_PROFILE);
  const char *prefix = "test.json: unknown key \"socket\"; expected one of: $schema, description, imports, ";
  g_auto(GStrv) listed = NULL;

  /* The file, the key, then every key there is (test-examples checks the
   * list against the schema). */
  fp_assert_has_prefix (message, prefix);
  listed = g_strsplit (strstr (message, "expected one of: ") + strlen ("expected one of: "), ", ", -1);
  for (guint i = 0; keys[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char *const *) listed, keys[i]));
  g_free (message);
  /* Keys are case-sensitive and have no aliases. */
  message = fp_test_load_fail ("{\"App-Id\": \"org.example.App\"}", FP_ERROR_INVALID_PROFILE);
  fp_assert_contains (message, "test.json: unknown key \"App-Id\"");
  g_free (message);
  message = fp_test_load_fail ("{\"app_id\": \"org.example.App\"}", FP_ERROR_INVALID_PROFILE);
  fp_assert_contains (message, "test.json: unknown key \"app_id\"");
}

static void
test_top_level (void)
{
  static const ErrorCase errors[] = {
    { "[]", "expected a JSON object at the top level, found an array" },
    { "\"org.example.App\"", "expected a JSON object at the top level, found a string" },
    { "42", "expected a JSON object at the top level, found a number" },
    { "true", "expected a JSON object at the top level, found a boolean" },
    { "null", "expected a JSON object at the top level, found null" },
  };

  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_app_id_key (void)
{
  static const ErrorCase errors[] = {
    { "{\"app-id\": \"org\"}",
      "key \"app-id\": app id \"org\" has only one element; expected at least two, such as org.example" },
    { "{\"app-id\": \"org.3d.App\"}", "key \"app-id\": app id \"org.3d.App\" has an element starting with a digit" },
    { "{\"app-id\": \"org.my-co.App\"}", "key \"app-id\": app id \"org.my-co.App\" has '-' outside its last element" },
    { "{\"app-id\": \"org.example.App\\n[Context]\"}",
      "key \"app-id\": app id \"org.example.App\n[Context]\" contains a character that is not a letter, digit, '_', '-' or '.'" },
    { "{\"app-id\": \"\"}", "key \"app-id\": app id is empty; expected a reverse-DNS name such as org.example.App" },
    { "{\"app-id\": 5}", "key \"app-id\": expected a string, found a number" },
  };
  g_autoptr(FpProfile) profile = fp_test_load_ok ("{\"app-id\": \"org.example.my-app\"}");

  g_assert_cmpstr (profile->app_id, ==, "org.example.my-app");
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_syntax_error (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = fp_test_write (dir, "syntax.json",
                                         "{\n"
                                         "  \"app-id\": \"org.example.Bad\",\n"
                                         "  \"command\": [\"true\"],,\n"
                                         "}\n");
  g_autofree char *message = load_file_fail (path, FP_ERROR_INVALID_PROFILE);
  /* json-glib points at the last token it read, the first comma. */
  g_autofree char *expected = g_strdup_printf ("%s:3:22: Parse error: ", path);

  /* FILE:LINE:COLUMN: as compilers print it, so editors can jump there. */
  fp_assert_has_prefix (message, expected);
  fp_assert_not_contains (message, "<data>");
}

static void
test_syntax_error_positions (void)
{
  static const struct {
    const char *json;
    const char *prefix;
  } cases[] = {
    /* Trailing comma in an object: points at the comma. */
    { "{\"a\": \"x\",}", "test.json:1:10: Parse error: " },
    /* Value missing. */
    { "{\n \"app-id\": }\n", "test.json:2:12: Parse error: " },
    /* Unknown literal. */
    { "{\n\n\n   \"a\": tru }", "test.json:4:11: Parse error: " },
    /* Garbage after the object. */
    { "{}\n\n}", "test.json:3:1: Parse error: " },
    /* A missing comma is reported where it was expected: after line 2. */
    { "{\n  \"a\": \"x\"\n  \"b\": 2\n}", "test.json:2:10: Parse error: " },
    /* Unterminated string. */
    { "{\"a\": \"x}", "test.json:1:" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = fp_test_load_fail (cases[i].json, FP_ERROR_INVALID_PROFILE);

      fp_test_note ("%s", message);
      if (!g_str_has_prefix (message, cases[i].prefix))
        g_assertion_message_cmpstr (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,
                                    "message starts with prefix", message, "does not start with", cases[i].prefix);
    }
}

static void
test_not_utf8 (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = fp_test_write (dir, "latin1.json", "{\"description\": \"caf\xe9\"}");
  g_autofree char *message = load_file_fail (path, FP_ERROR_INVALID_PROFILE);
  g_autofree char *expected = g_strdup_printf ("%s: JSON data must be UTF-8 encoded", path);

  g_assert_cmpstr (message, ==, expected);
}

static void
test_nul_escape (void)
{
  /* json-glib would cut "/\u0000home/x" to "/" and grant the whole host. */
  static const struct {
    const char *json;
    const char *message;
  } cases[] = {
    { "{\"filesystems\": [\"/\\u0000home/me\"]}",
      "test.json:1:20: a string contains the escape of a NUL character, which no path or name may hold" },
    { "{\n  \"filesystems\": [\"~\\0/x\"]\n}",
      "test.json:2:21: a string contains the escape of a NUL character, which no path or name may hold" },
    { "{\"app-id\": \"org.example.App\\u0000x\"}", "test.json:1:28: a string contains the escape of a NUL character, which no path or name may hold" },
  };
  g_autoptr(FpProfile) literal = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = fp_test_load_fail (cases[i].json, FP_ERROR_INVALID_PROFILE);

      g_assert_cmpstr (message, ==, cases[i].message);
    }

  /* An escaped backslash followed by "u0000" is six ordinary characters. */
  literal = fp_test_load_ok ("{\"environment\": {\"A\": \"\\\\u0000\", \"B\": \"\\\\\\\\\", \"C\": \"\\\\0\"}}");
  g_assert_cmpstr (g_hash_table_lookup (literal->context->env, "A"), ==, "\\u0000");
  g_assert_cmpstr (g_hash_table_lookup (literal->context->env, "B"), ==, "\\\\");
  g_assert_cmpstr (g_hash_table_lookup (literal->context->env, "C"), ==, "\\0");
}

static void
test_empty (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = fp_test_write (dir, "empty.json", "");
  g_autofree char *blank_path = fp_test_write (dir, "blank.json", " \n\t\n");
  g_autofree char *message = load_file_fail (path, FP_ERROR_INVALID_PROFILE);
  g_autofree char *blank_message = load_file_fail (blank_path, FP_ERROR_INVALID_PROFILE);
  g_autofree char *expected = g_strdup_printf ("%s: the file is empty; expected a JSON object", path);
  g_autofree char *blank_expected = g_strdup_printf ("%s: the file is empty; expected a JSON object", blank_path);
  g_autofree char *data_message = fp_test_load_fail ("", FP_ERROR_INVALID_PROFILE);

  g_assert_cmpstr (message, ==, expected);
  g_assert_cmpstr (blank_message, ==, blank_expected);
  g_assert_cmpstr (data_message, ==, "test.json: the file is empty; expected a JSON object");
}

static void
test_missing_file (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *path = g_build_filename (dir->path, "nope.json", NULL);
  g_autofree char *message = load_file_fail (path, FP_ERROR_INVALID_PROFILE);
  g_autofree char *expected = g_strdup_printf ("%s: cannot read: ", path);

  fp_assert_has_prefix (message, expected);
}

static void
test_validate (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *no_id = fp_test_write (dir, "no-id.json", "{\"command\": \"true\"}");
  g_autofree char *no_command = fp_test_write (dir, "no-command.json", "{\"app-id\": \"org.example.App\"}");
  g_autofree char *good = fp_test_write (dir, "good.json", "{\"app-id\": \"org.example.App\", \"command\": \"true\"}");
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  profile = load_file_ok (no_id);
  g_assert_cmpstr (profile->source_path, ==, no_id);
  g_assert_false (fp_profile_validate (profile, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE);
  expected = g_strdup_printf ("%s: key \"app-id\" is missing; expected a reverse-DNS name such as org.example.App", no_id);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&profile, fp_profile_free);

  profile = load_file_ok (no_command);
  g_assert_false (fp_profile_validate (profile, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE);
  expected = g_strdup_printf ("%s: key \"command\" is missing; expected [\"program\", \"arg\", …]", no_command);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_clear_pointer (&profile, fp_profile_free);

  profile = load_file_ok (good);
  g_assert_true (fp_profile_validate (profile, &error));
  g_assert_no_error (error);

  /* An app id set by a caller (--app-id) is checked too: no newline can
   * reach [Application] name. */
  g_free (profile->app_id);
  profile->app_id = g_strdup ("org.example.App\n[Context]\nfilesystems=host;");
  g_assert_false (fp_profile_validate (profile, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID);
  fp_assert_contains (error->message, good);
  fp_assert_contains (error->message, "contains a character that is not");
  g_clear_error (&error);
  g_clear_pointer (&profile, fp_profile_free);

  /* No file: the messages say "command line". */
  profile = fp_profile_new ();
  g_assert_false (fp_profile_validate (profile, &error));
  g_assert_cmpstr (error->message, ==,
                   "command line: key \"app-id\" is missing; expected a reverse-DNS name such as org.example.App");
  g_clear_error (&error);
  profile->app_id = g_strdup ("org");
  profile->command = g_strdupv ((char *[]) { "true", NULL });
  g_assert_false (fp_profile_validate (profile, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID);
  g_assert_cmpstr (error->message, ==,
                   "command line: app id \"org\" has only one element; expected at least two, such as org.example");
}

/* ---- presets and imports ---- */

static char *
joined_preset_dirs (void)
{
  g_auto(GStrv) dirs = fp_profile_preset_dirs ();

  return g_strjoinv (", ", dirs);
}

static void
test_preset_by_name (void)
{
  g_autoptr(FpProfile) profile = fp_test_load_ok (
    "{\"imports\": [\"desktop\"], \"app-id\": \"org.example.Editor\", \"command\": \"gedit\"}");

  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_IPC));
  g_assert_false (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_FALLBACK_X11));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_PULSEAUDIO));
  /* Flatpak's desktop apps get no PipeWire socket (the camera and screen
   * portals hand out PipeWire) and no dconf: settings stay the app's own. */
  g_assert_false (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_PIPEWIRE));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_DEVICES, FP_DEVICE_DRI));
  g_assert_cmpint (fs_mode (profile, "xdg-config/gtk-3.0"), ==, FP_FILESYSTEM_READ_ONLY);
  g_assert_cmpint (fs_mode (profile, "~/.themes"), ==, FP_FILESYSTEM_READ_ONLY);
  g_assert_false (g_hash_table_contains (profile->context->session_bus_policy, "ca.desrt.dconf"));
  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "GSETTINGS_BACKEND"), ==, "keyfile");
  g_assert_cmpint (policy (profile, FALSE, "org.freedesktop.Notifications"), ==, FP_POLICY_TALK);
  /* The importing file's own keys were applied too. */
  g_assert_cmpstr (profile->app_id, ==, "org.example.Editor");
}

static void
test_preset_api (void)
{
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *dirs = joined_preset_dirs ();
  g_autofree char *expected = g_strdup_printf ("no preset \"no-such-preset\" (looked in %s)", dirs);

  g_assert_true (fp_profile_import_preset (profile, "devshell", &error));
  g_assert_no_error (error);
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_cmpint (fs_mode (profile, cwd), ==, FP_FILESYSTEM_READ_WRITE);

  g_assert_false (fp_profile_import_preset (profile, "no-such-preset", &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_preset_unknown (void)
{
  g_autofree char *dirs = joined_preset_dirs ();
  g_autofree char *message = fp_test_load_fail ("{\"imports\": [\"desktop\", \"gnome-app\"]}",
                                                FP_ERROR_INVALID_PROFILE);
  g_autofree char *expected = g_strdup_printf ("test.json: key \"imports[1]\": no preset \"gnome-app\" "
                                               "(looked in %s)", dirs);
  g_auto(GStrv) dir_list = fp_profile_preset_dirs ();

  g_assert_cmpstr (message, ==, expected);
  /* The directories include the ones a user can add a preset to. */
  for (guint i = 0; dir_list[i] != NULL; i++)
    fp_assert_contains (message, dir_list[i]);
}

static void
test_preset_dirs (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("FAUXPAK_PRESET_PATH"));
  g_autofree char *user_dir = g_build_filename (g_get_user_config_dir (), "fauxpak", "presets", NULL);
  g_auto(GStrv) dirs = NULL;
  g_auto(GStrv) default_dirs = NULL;

  g_setenv ("FAUXPAK_PRESET_PATH", "/first::/second:", TRUE);
  dirs = fp_profile_preset_dirs ();
  {
    const char *const expected[] = {
      "/first", "/second", user_dir, FAUXPAK_PRESETS_DIR, FAUXPAK_SOURCE_PRESETS_DIR, NULL
    };

    g_assert_true (g_strv_equal ((const char *const *) dirs, expected));
  }

  g_setenv ("FAUXPAK_PRESET_PATH", "", TRUE);
  default_dirs = fp_profile_preset_dirs ();
  {
    const char *const expected[] = { user_dir, FAUXPAK_PRESETS_DIR, FAUXPAK_SOURCE_PRESETS_DIR, NULL };

    g_assert_true (g_strv_equal ((const char *const *) default_dirs, expected));
  }

  if (saved != NULL)
    g_setenv ("FAUXPAK_PRESET_PATH", saved, TRUE);
  else
    g_unsetenv ("FAUXPAK_PRESET_PATH");
}

static void
test_preset_search_order (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *saved = g_strdup (g_getenv ("FAUXPAK_PRESET_PATH"));
  g_autofree char *first = g_build_filename (dir->path, "first", NULL);
  g_autofree char *second = g_build_filename (dir->path, "second", NULL);
  g_autofree char *path = g_strconcat (first, ":", second, NULL);
  fp_test_put (dir, "first/mine.json", "{\"app-id\": \"org.example.First\"}");
  fp_test_put (dir, "second/mine.json", "{\"app-id\": \"org.example.Second\"}");
  fp_test_put (dir, "second/only-second.json", "{\"command\": \"second\"}");
  fp_test_put (dir, "first/desktop.json", "{\"description\": \"shadows the shipped one\"}");
  g_autoptr(FpProfile) profile = NULL;

  g_setenv ("FAUXPAK_PRESET_PATH", path, TRUE);
  profile = fp_test_load_ok ("{\"imports\": [\"mine\", \"only-second\", \"desktop\"]}");
  g_assert_cmpstr (profile->app_id, ==, "org.example.First");
  g_assert_cmpstr (profile->command[0], ==, "second");
  /* A user's preset of the same name replaces the shipped one. */
  g_assert_cmphex (profile->context->valid[FP_FLAGS_SOCKETS], ==, 0);

  if (saved != NULL)
    g_setenv ("FAUXPAK_PRESET_PATH", saved, TRUE);
  else
    g_unsetenv ("FAUXPAK_PRESET_PATH");
}

static void
test_import_relative (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *app = fp_test_write (dir, "app/app.json",
                                        "{\"imports\": [\"sub/base.json\", \"../shared/common.json\"],"
                                        " \"command\": \"app\"}");
  fp_test_put (dir, "app/sub/base.json",
                                         "{\"imports\": [\"inner.json\"], \"sockets\": [\"wayland\"]}");
  fp_test_put (dir, "app/sub/inner.json", "{\"app-id\": \"org.example.Inner\"}");
  fp_test_put (dir, "shared/common.json", "{\"shared\": [\"network\"]}");
  g_autoptr(FpProfile) profile = load_file_ok (app);

  g_assert_cmpstr (profile->source_path, ==, app);
  g_assert_cmpstr (profile->app_id, ==, "org.example.Inner");   /* relative to sub/, not app/ */
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (fp_profile_validate (profile, NULL));
}

/* An installed app's copy loads the same from another directory. */
static void
test_standalone_copy (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *app = fp_test_write (dir, "app/app.json",
                                        "{\"imports\": [\"desktop\", \"sub/base.json\", \"$FP_TEST_NONE/x.json\"],"
                                        " \"app-id\": \"org.example.Copy\", \"command\": \"app\"}");
  g_autofree char *base = fp_test_write (dir, "app/sub/base.json", "{\"shared\": [\"network\"]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *data = NULL;
  gsize length;
  JsonArray *imports;

  data = fp_profile_standalone_data (app, &length, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, data, length, NULL));
  imports = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "imports");
  g_assert_cmpstr (json_array_get_string_element (imports, 0), ==, "desktop");   /* a preset stays a name */
  g_assert_cmpstr (json_array_get_string_element (imports, 1), ==, base);        /* relative: absolute */
  g_assert_cmpstr (json_array_get_string_element (imports, 2), ==, "$FP_TEST_NONE/x.json");  /* expanded at load */
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "app-id"),
                   ==, "org.example.Copy");
  g_assert_null (fp_profile_standalone_data (base + 1, &length, &error));   /* no such file: named */
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, base + 1));
}

static void
test_desktop_keys (void)
{
  g_autoptr(FpProfile) profile = fp_test_load_ok (
    "{\"desktop\": {\"file\": \"~/apps/x.desktop\", \"name\": \"X\", \"comment\": \"Does x\","
    " \"icon\": \"x-icon\", \"categories\": [\"Utility\"], \"mime-types\": [\"text/plain\", \"image/png\"]}}");
  g_autofree char *file = g_build_filename (g_get_home_dir (), "apps", "x.desktop", NULL);
  g_autoptr(FpProfile) icon_file = fp_test_load_ok ("{\"desktop\": {\"icon\": \"/usr/share/x.svg\"}}");
  static const ErrorCase errors[] = {
    { "{\"desktop\": {\"exec\": \"x\"}}",
      "key \"desktop.exec\": unknown key; expected file, name, comment, icon, categories or mime-types" },
    { "{\"desktop\": {\"mime-types\": [\"text\"]}}",
      "key \"desktop.mime-types[0]\": \"text\" is not a MIME type; expected TYPE/SUBTYPE such as text/plain" },
    { "{\"desktop\": {\"categories\": [\"A;B\"]}}",
      "key \"desktop.categories[0]\": \"A;B\" is not a category; expected a word such as Utility, without ';' or spaces" },
    { "{\"desktop\": {\"name\": \"\"}}", "key \"desktop.name\": expected a non-empty string" },
    { "{\"desktop\": []}", "key \"desktop\": expected an object of desktop entry keys, found an array" },
  };

  g_assert_cmpstr (profile->desktop.file, ==, file);
  g_assert_cmpstr (profile->desktop.name, ==, "X");
  g_assert_cmpstr (profile->desktop.comment, ==, "Does x");
  g_assert_cmpstr (profile->desktop.icon, ==, "x-icon");
  g_assert_cmpstrv (profile->desktop.categories, ((const char *const[]) { "Utility", NULL }));
  g_assert_cmpstrv (profile->desktop.mime_types, ((const char *const[]) { "text/plain", "image/png", NULL }));
  g_assert_cmpstr (icon_file->desktop.icon, ==, "/usr/share/x.svg");
  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_import_absolute_and_variable (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *abs = fp_test_write (dir, "lib/abs.json", "{\"devices\": [\"dri\"]}");
  fp_test_put (dir, "lib/var.json", "{\"features\": [\"devel\"]}");
  g_autofree char *json = g_strdup_printf ("{\"imports\": [\"%s\", \"$FP_TEST_LIB/var.json\"]}", abs);
  g_autofree char *lib = g_build_filename (dir->path, "lib", NULL);
  g_autoptr(FpProfile) profile = NULL;
  g_autofree char *message = NULL;

  g_setenv ("FP_TEST_LIB", lib, TRUE);
  profile = fp_test_load_ok (json);
  g_unsetenv ("FP_TEST_LIB");
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_DEVICES, FP_DEVICE_DRI));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_FEATURES, FP_FEATURE_DEVEL));

  /* "~/" is home, as in every other path key. */
  {
    g_autofree char *in_home = g_build_filename (g_get_home_dir (), "fp-import-test.json", NULL);
    g_autoptr(FpProfile) from_home = NULL;

    g_assert_true (g_file_set_contents (in_home, "{\"shared\": [\"ipc\"]}", -1, NULL));
    from_home = fp_test_load_ok ("{\"imports\": [\"~/fp-import-test.json\"]}");
    g_assert_true (fp_context_has (from_home->context, FP_FLAGS_SHARED, FP_SHARE_IPC));
    g_unlink (in_home);
  }

  message = fp_test_load_fail ("{\"imports\": [\"$FP_TEST_LIB/var.json\"]}", FP_ERROR_UNSET_VARIABLE);
  g_assert_cmpstr (message, ==, "test.json: key \"imports[0]\": \"$FP_TEST_LIB/var.json\" uses $FP_TEST_LIB, "
                                "which is not set in the environment");
}

static void
test_import_errors (void)
{
  static const ErrorCase errors[] = {
    { "{\"imports\": \"desktop\"}", "key \"imports\": expected an array of strings, found a string" },
    { "{\"imports\": [\"desktop\", 1]}", "key \"imports[1]\": expected a string, found a number" },
    { "{\"imports\": [\"sub/preset\"]}",
      "key \"imports[0]\": \"sub/preset\" is neither a preset name (letters, digits, '-'), a path to a .json file, nor flatpak-manifest:PATH, flatpak-metadata:PATH, flatpak-app:APP-ID[//BRANCH], flatpak-repo:REPO-PATH:REF or flatpak-bundle:FILE" },
    { "{\"imports\": [\"\"]}",
      "key \"imports[0]\": \"\" is neither a preset name (letters, digits, '-'), a path to a .json file, nor flatpak-manifest:PATH, flatpak-metadata:PATH, flatpak-app:APP-ID[//BRANCH], flatpak-repo:REPO-PATH:REF or flatpak-bundle:FILE" },
    { "{\"imports\": [\"desktop.jsn\"]}",
      "key \"imports[0]\": \"desktop.jsn\" is neither a preset name (letters, digits, '-'), a path to a .json file, nor flatpak-manifest:PATH, flatpak-metadata:PATH, flatpak-app:APP-ID[//BRANCH], flatpak-repo:REPO-PATH:REF or flatpak-bundle:FILE" },
  };

  check_error_cases (errors, G_N_ELEMENTS (errors), FP_ERROR_INVALID_PROFILE);
}

static void
test_import_missing_file (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *app = fp_test_write (dir, "app.json", "{\"imports\": [\"missing.json\"]}");
  g_autofree char *missing = g_build_filename (dir->path, "missing.json", NULL);
  g_autofree char *message = load_file_fail (app, FP_ERROR_INVALID_PROFILE);
  g_autofree char *expected = g_strdup_printf ("%s: cannot read: ", missing);

  fp_assert_has_prefix (message, expected);
}

static void
test_import_order (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  fp_test_put (dir, "base.json",
    "{\n"
    "  \"app-id\": \"org.example.Base\",\n"
    "  \"command\": [\"base\"],\n"
    "  \"documents\": \"off\",\n"
    "  \"runtime\": {\"paths\": [\"/base\"], \"host-etc\": false},\n"
    "  \"sockets\": [\"x11\", \"wayland\"],\n"
    "  \"filesystems\": [\"~/a:ro\", \"home\", \"/kept\"],\n"
    "  \"environment\": {\"X\": \"1\", \"Y\": \"2\"},\n"
    "  \"session-bus-policy\": {\"org.example.B\": \"own\", \"org.example.C\": \"see\"},\n"
    "  \"binds\": [{\"type\": \"ro-bind\", \"source\": \"/base\"}]\n"
    "}\n");
  /* "imports" comes last in the object and still applies first. */
  g_autofree char *app = fp_test_write (dir, "app.json",
    "{\n"
    "  \"app-id\": \"org.example.App\",\n"
    "  \"runtime\": \"host\",\n"
    "  \"sockets\": [\"!x11\"],\n"
    "  \"filesystems\": [\"~/a\", \"!home\"],\n"
    "  \"environment\": {\"X\": null, \"Z\": \"3\"},\n"
    "  \"session-bus-policy\": {\"org.example.B\": \"talk\"},\n"
    "  \"binds\": [{\"type\": \"tmpfs\", \"dest\": \"/own\"}],\n"
    "  \"imports\": [\"base.json\"]\n"
    "}\n");
  g_autoptr(FpProfile) profile = load_file_ok (app);

  g_assert_cmpstr (profile->app_id, ==, "org.example.App");
  g_assert_cmpstr (profile->command[0], ==, "base");             /* not overridden: imported */
  g_assert_cmpint (profile->documents, ==, FP_DOCUMENTS_OFF);
  g_assert_cmpint (profile->runtime, ==, FP_RUNTIME_HOST);        /* "host" replaced the paths */
  g_assert_null (profile->runtime_paths);
  g_assert_false (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_X11));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_assert_cmpint (fs_mode (profile, "~/a"), ==, FP_FILESYSTEM_READ_WRITE);
  g_assert_cmpint (fs_mode (profile, "home"), ==, FP_FILESYSTEM_NONE);
  g_assert_cmpint (fs_mode (profile, "/kept"), ==, FP_FILESYSTEM_READ_WRITE);
  g_assert_true (g_hash_table_contains (profile->context->env, "X"));
  g_assert_null (g_hash_table_lookup (profile->context->env, "X"));
  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "Y"), ==, "2");
  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "Z"), ==, "3");
  g_assert_cmpint (policy (profile, FALSE, "org.example.B"), ==, FP_POLICY_TALK);
  g_assert_cmpint (policy (profile, FALSE, "org.example.C"), ==, FP_POLICY_SEE);
  g_assert_cmpuint (profile->context->binds->len, ==, 2);
  g_assert_cmpint (bind_at (profile, 0)->kind, ==, FP_BIND_RO);   /* imported binds first */
  g_assert_cmpstr (bind_at (profile, 0)->source, ==, "/base");
  g_assert_cmpint (bind_at (profile, 1)->kind, ==, FP_BIND_TMPFS);
  g_assert_cmpstr (bind_at (profile, 1)->dest, ==, "/own");
}

static void
test_import_later_wins (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  fp_test_put (dir, "one.json",
                                        "{\"app-id\": \"org.example.One\", \"shared\": [\"network\"], \"command\": \"one\"}");
  fp_test_put (dir, "two.json",
                                        "{\"app-id\": \"org.example.Two\", \"shared\": [\"!network\", \"ipc\"]}");
  g_autofree char *app = fp_test_write (dir, "app.json", "{\"imports\": [\"one.json\", \"two.json\"]}");
  g_autoptr(FpProfile) profile = load_file_ok (app);

  g_assert_cmpstr (profile->app_id, ==, "org.example.Two");
  g_assert_cmpstr (profile->command[0], ==, "one");
  g_assert_false (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_IPC));
}

static void
test_import_cycle (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *a = fp_test_write (dir, "a.json", "{\"imports\": [\"b.json\"]}");
  fp_test_put (dir, "b.json", "{\"imports\": [\"c.json\"]}");
  g_autofree char *c = fp_test_write (dir, "c.json", "{\"imports\": [\"a.json\"]}");
  g_autofree char *self = fp_test_write (dir, "self.json", "{\"imports\": [\"./self.json\"]}");
  g_autofree char *message = load_file_fail (a, FP_ERROR_INVALID_PROFILE);
  g_autofree char *self_message = load_file_fail (self, FP_ERROR_INVALID_PROFILE);
  g_autofree char *expected = g_strdup_printf ("%s: imports %s, which is already being imported (an import cycle)",
                                               c, a);
  g_autofree char *self_import = g_build_filename (dir->path, "./self.json", NULL);
  g_autofree char *self_expected = g_strdup_printf ("%s: imports %s, which is already being imported (an import cycle)",
                                                    self, self_import);

  g_assert_cmpstr (message, ==, expected);
  g_assert_cmpstr (self_message, ==, self_expected);
}

static void
test_import_diamond (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *a = fp_test_write (dir, "a.json", "{\"imports\": [\"b.json\", \"c.json\"]}");
  fp_test_put (dir, "b.json", "{\"imports\": [\"d.json\"], \"sockets\": [\"x11\"]}");
  fp_test_put (dir, "c.json", "{\"imports\": [\"d.json\"], \"sockets\": [\"wayland\"]}");
  fp_test_put (dir, "d.json", "{\"binds\": [{\"type\": \"tmpfs\", \"dest\": \"/d\"}]}");
  g_autoptr(FpProfile) profile = load_file_ok (a);

  /* Importing the same file twice is no cycle; it applies twice. */
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_X11));
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_assert_cmpuint (profile->context->binds->len, ==, 2);
}

static void
test_import_depth (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *first = NULL;
  g_autofree char *message = NULL;
  g_autofree char *ok_first = NULL;
  g_autoptr(FpProfile) profile = NULL;

  /* deep0 → deep1 → … → deep19, and ok0 → … → ok9 */
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("deep%d.json", i);
      g_autofree char *json = i < 19 ? g_strdup_printf ("{\"imports\": [\"deep%d.json\"]}", i + 1)
                                     : g_strdup ("{}");
      g_autofree char *path = fp_test_write (dir, name, json);

      if (i == 0)
        first = g_steal_pointer (&path);
    }
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("ok%d.json", i);
      g_autofree char *json = i < 9 ? g_strdup_printf ("{\"imports\": [\"ok%d.json\"]}", i + 1)
                                    : g_strdup ("{\"app-id\": \"org.example.Deep\"}");
      g_autofree char *path = fp_test_write (dir, name, json);

      if (i == 0)
        ok_first = g_steal_pointer (&path);
    }

  message = load_file_fail (first, FP_ERROR_INVALID_PROFILE);
  fp_assert_contains (message, "imports nest deeper than 16 levels");
  profile = load_file_ok (ok_first);
  g_assert_cmpstr (profile->app_id, ==, "org.example.Deep");
}

static void
test_import_error_names_imported_file (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *app = fp_test_write (dir, "app.json", "{\"imports\": [\"lib/bad.json\", \"lib/syntax.json\"]}");
  fp_test_put (dir, "lib/bad.json", "{\"sockets\": [\"x11\", \"telepathy\"]}");
  g_autofree char *app2 = fp_test_write (dir, "app2.json", "{\"imports\": [\"lib/syntax.json\"]}");
  fp_test_put (dir, "lib/syntax.json", "{\n  \"shared\": [\"network\"\n}\n");
  g_autofree char *bad_import = g_build_filename (dir->path, "lib/bad.json", NULL);
  g_autofree char *syntax_import = g_build_filename (dir->path, "lib/syntax.json", NULL);
  g_autofree char *message = load_file_fail (app, FP_ERROR_INVALID_PROFILE);
  g_autofree char *message2 = load_file_fail (app2, FP_ERROR_INVALID_PROFILE);
  g_autofree char *expected = g_strdup_printf ("%s: key \"sockets[1]\": unknown sockets value \"telepathy\"", bad_import);
  g_autofree char *expected2 = g_strdup_printf ("%s:2:22: Parse error: ", syntax_import);

  fp_assert_has_prefix (message, expected);
  fp_assert_has_prefix (message2, expected2);
}

static void
test_import_from_data (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  fp_test_put (dir, "base.json", "{\"app-id\": \"org.example.Base\"}");
  g_autofree char *name = g_build_filename (dir->path, "inline.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FpProfile) profile = fp_profile_load_from_data ("{\"imports\": [\"base.json\"]}", -1, name, &error);

  /* Relative imports resolve next to the name given for the data. */
  g_assert_no_error (error);
  g_assert_cmpstr (profile->app_id, ==, "org.example.Base");
  g_assert_null (profile->source_path);
}

static void
test_load_from_data_length (void)
{
  g_autoptr(GError) error = NULL;
  /* Only the first `length` bytes count. */
  const char *data = "{\"app-id\": \"org.example.App\"}garbage";
  g_autoptr(FpProfile) profile = fp_profile_load_from_data (data, strlen ("{\"app-id\": \"org.example.App\"}"),
                                                            "test.json", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (profile->app_id, ==, "org.example.App");
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/profile/defaults", test_defaults);
  g_test_add_func ("/profile/keys/all", test_all_keys);
  g_test_add_func ("/profile/keys/command", test_command);
  g_test_add_func ("/profile/keys/runtime", test_runtime);
  g_test_add_func ("/profile/keys/runtime-paths-from", test_runtime_paths_from);
  g_test_add_func ("/profile/keys/documents", test_documents);
  g_test_add_func ("/profile/keys/text", test_text_keys);
  g_test_add_func ("/profile/keys/flags", test_flags);
  g_test_add_func ("/profile/keys/filesystems", test_filesystems);
  g_test_add_func ("/profile/keys/persistent", test_persistent);
  g_test_add_func ("/profile/keys/environment", test_environment);
  g_test_add_func ("/profile/keys/bus-policies", test_bus_policies);
  g_test_add_func ("/profile/keys/bus-rules", test_bus_rules);
  g_test_add_func ("/profile/keys/binds", test_binds);
  g_test_add_func ("/profile/keys/app-id", test_app_id_key);
  g_test_add_func ("/profile/errors/unknown-key", test_unknown_key);
  g_test_add_func ("/profile/errors/top-level", test_top_level);
  g_test_add_func ("/profile/errors/syntax", test_syntax_error);
  g_test_add_func ("/profile/errors/syntax-positions", test_syntax_error_positions);
  g_test_add_func ("/profile/errors/not-utf8", test_not_utf8);
  g_test_add_func ("/profile/errors/nul-escape", test_nul_escape);
  g_test_add_func ("/profile/errors/empty", test_empty);
  g_test_add_func ("/profile/errors/missing-file", test_missing_file);
  g_test_add_func ("/profile/validate", test_validate);
  g_test_add_func ("/profile/load-from-data-length", test_load_from_data_length);
  g_test_add_func ("/profile/presets/by-name", test_preset_by_name);
  g_test_add_func ("/profile/presets/api", test_preset_api);
  g_test_add_func ("/profile/presets/unknown", test_preset_unknown);
  g_test_add_func ("/profile/presets/dirs", test_preset_dirs);
  g_test_add_func ("/profile/presets/search-order", test_preset_search_order);
  g_test_add_func ("/profile/imports/relative", test_import_relative);
  g_test_add_func ("/profile/imports/standalone-copy", test_standalone_copy);
  g_test_add_func ("/profile/keys/desktop", test_desktop_keys);
  g_test_add_func ("/profile/imports/absolute-and-variable", test_import_absolute_and_variable);
  g_test_add_func ("/profile/imports/errors", test_import_errors);
  g_test_add_func ("/profile/imports/missing-file", test_import_missing_file);
  g_test_add_func ("/profile/imports/order", test_import_order);
  g_test_add_func ("/profile/imports/later-wins", test_import_later_wins);
  g_test_add_func ("/profile/imports/cycle", test_import_cycle);
  g_test_add_func ("/profile/imports/diamond", test_import_diamond);
  g_test_add_func ("/profile/imports/depth", test_import_depth);
  g_test_add_func ("/profile/imports/error-names-imported-file", test_import_error_names_imported_file);
  g_test_add_func ("/profile/imports/from-data", test_import_from_data);
  return g_test_run ();
}
