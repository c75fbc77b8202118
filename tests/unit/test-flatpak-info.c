/* The .flatpak-info keyfile: [Application], [Instance], [Context] and the
 * groups after it, exactly as flatpak writes them, and safe to parse back. */
#include "config.h"
#include "fp-flatpak-info.h"
#include "fp-error.h"
#include "fp-test-util.h"

#include <sys/utsname.h>

static FpProfile *
sample_profile (void)
{
  return fp_test_load_ok (
    "{\n"
    "  \"app-id\": \"org.example.Editor\",\n"
    "  \"command\": [\"gedit\"],\n"
    "  \"shared\": [\"ipc\", \"network\"],\n"
    "  \"sockets\": [\"wayland\", \"fallback-x11\", \"!x11\"],\n"
    "  \"devices\": [\"dri\"],\n"
    "  \"features\": [\"devel\"],\n"
    "  \"filesystems\": [\"xdg-documents\", \"xdg-config/gtk-3.0:ro\", \"~/Notes:create\", \"!host\"],\n"
    "  \"persistent\": [\".editor\"],\n"
    "  \"environment\": {\"EDITOR_MODE\": \"sandboxed\", \"LD_PRELOAD\": null},\n"
    "  \"session-bus-policy\": {\"org.freedesktop.Notifications\": \"talk\", \"org.example.Editor.*\": \"own\"},\n"
    "  \"system-bus-policy\": {\"org.freedesktop.UPower\": \"see\"},\n"
    "  \"binds\": [{\"type\": \"ro-bind\", \"source\": \"/opt/dict\"}]\n"
    "}\n");
}

static const FpInstanceFacts full_facts = {
  .instance_id = "1234567890",
  .instance_path = "/home/u/.var/app/org.example.Editor",
  .app_path = "/usr/bin",
  .runtime_path = "/usr",
  .session_bus_proxy = TRUE,
  .system_bus_proxy = TRUE,
};

static void
test_exact (void)
{
  g_autoptr(FpProfile) profile = sample_profile ();
  g_autoptr(GKeyFile) keyfile = fp_flatpak_info_new (profile, &full_facts);
  g_autoptr(GBytes) bytes = fp_flatpak_info_to_bytes (keyfile);
  g_autofree char *expected = g_strdup_printf (
    "[Application]\n"
    "name=org.example.Editor\n"
    "runtime=runtime/org.fauxpak.Host/%s/master\n"
    "\n"
    "[Instance]\n"
    "instance-id=1234567890\n"
    "instance-path=/home/u/.var/app/org.example.Editor\n"
    "app-path=/usr/bin\n"
    "runtime-path=/usr\n"
    "branch=master\n"
    "arch=%s\n"
    "flatpak-version=%s\n"
    "fauxpak-version=%s\n"
    "session-bus-proxy=true\n"
    "system-bus-proxy=true\n"
    "devel=true\n"
    "\n"
    "[Context]\n"
    "shared=network;ipc;\n"
    "sockets=wayland;fallback-x11;\n"
    "devices=dri;\n"
    "features=devel;\n"
    "filesystems=xdg-config/gtk-3.0:ro;xdg-documents;~/Notes:create;/opt/dict:ro;\n"
    "persistent=.editor;\n"
    "unset-environment=LD_PRELOAD;\n"
    "\n"
    "[Fauxpak]\n"
    "binds=--ro-bind=/opt/dict:/opt/dict;\n"
    "\n"
    "[Session Bus Policy]\n"
    "org.example.Editor.*=own\n"
    "org.freedesktop.Notifications=talk\n"
    "\n"
    "[System Bus Policy]\n"
    "org.freedesktop.UPower=see\n"
    "\n"
    "[Environment]\n"
    "EDITOR_MODE=sandboxed\n"
    "LD_PRELOAD=\n",
    fp_flatpak_arch (), fp_flatpak_arch (), FAUXPAK_FLATPAK_COMPAT_VERSION, FAUXPAK_VERSION);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  g_assert_cmpuint (strlen (text), ==, g_bytes_get_size (bytes));
  g_assert_cmpstr (text, ==, expected);
}

static void
test_minimal_facts (void)
{
  g_autoptr(FpProfile) profile = fp_test_load_ok ("{\"app-id\": \"org.example.Min\", \"command\": \"true\"}");
  FpInstanceFacts facts = { 0 };
  g_autoptr(GKeyFile) keyfile = fp_flatpak_info_new (profile, &facts);
  g_autoptr(GError) error = NULL;
  g_autofree char *app_path = NULL;
  g_autofree char *runtime_path = NULL;
  g_auto(GStrv) groups = g_key_file_get_groups (keyfile, NULL);
  static const char *const expected_groups[] = { "Application", "Instance", NULL };

  /* Without facts: no instance id or path, no proxies, empty app-path and
   * /usr for the runtime; an empty context writes no group. */
  g_assert_true (g_strv_equal ((const char *const *) groups, expected_groups));
  g_assert_false (g_key_file_has_key (keyfile, "Instance", "instance-id", NULL));
  g_assert_false (g_key_file_has_key (keyfile, "Instance", "instance-path", NULL));
  g_assert_false (g_key_file_has_key (keyfile, "Instance", "session-bus-proxy", NULL));
  g_assert_false (g_key_file_has_key (keyfile, "Instance", "system-bus-proxy", NULL));
  app_path = g_key_file_get_string (keyfile, "Instance", "app-path", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (app_path, ==, "");
  runtime_path = g_key_file_get_string (keyfile, "Instance", "runtime-path", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (runtime_path, ==, "/usr");
}

static void
test_arch (void)
{
  struct utsname name;
  const char *arch = fp_flatpak_arch ();

  g_assert_nonnull (arch);
  g_assert_cmpstr (arch, !=, "");
  g_assert_true (arch == fp_flatpak_arch ());   /* computed once */
  g_assert_cmpint (uname (&name), ==, 0);
  if (g_str_equal (name.machine, "x86_64") || g_str_equal (name.machine, "aarch64"))
    g_assert_cmpstr (arch, ==, name.machine);
  /* Flatpak's arch names have no spaces or slashes: they go into refs. */
  g_assert_null (strpbrk (arch, " /\n"));
}

static char *
string_or_null (GKeyFile *keyfile, const char *group, const char *key)
{
  return g_key_file_get_string (keyfile, group, key, NULL);
}

static void
test_round_trip (void)
{
  g_autoptr(FpProfile) profile = sample_profile ();
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GKeyFile) parsed = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FpContext) context = fp_context_new ();
  g_autofree char *name = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *expected_runtime = g_strdup_printf ("runtime/org.fauxpak.Host/%s/master", fp_flatpak_arch ());
  g_autofree char *instance_id = NULL;
  g_autofree char *original = NULL;
  g_autofree char *rebuilt = NULL;

  /* Values that need escaping on the way out. */
  g_assert_true (fp_context_set_env (profile->context, "TRICKY", " ;=[Context]\\#é ", NULL));
  g_assert_true (fp_context_add_filesystem (profile->context, "/srv/a;b=c#d", TRUE, NULL));
  keyfile = fp_flatpak_info_new (profile, &full_facts);
  bytes = fp_flatpak_info_to_bytes (keyfile);

  g_key_file_load_from_bytes (parsed, bytes, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);

  name = string_or_null (parsed, "Application", "name");
  g_assert_cmpstr (name, ==, "org.example.Editor");
  runtime = string_or_null (parsed, "Application", "runtime");
  g_assert_cmpstr (runtime, ==, expected_runtime);
  instance_id = string_or_null (parsed, "Instance", "instance-id");
  g_assert_cmpstr (instance_id, ==, "1234567890");
  g_assert_true (g_key_file_get_boolean (parsed, "Instance", "session-bus-proxy", &error));
  g_assert_no_error (error);
  g_assert_true (g_key_file_get_boolean (parsed, "Instance", "system-bus-proxy", &error));
  g_assert_no_error (error);

  /* Rebuild a context from what was parsed, as a portal would read it. */
  for (int kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
    {
      g_auto(GStrv) names = g_key_file_get_string_list (parsed, "Context", fp_context_flags_key (kind), NULL, NULL);

      for (guint i = 0; names != NULL && names[i] != NULL; i++)
        g_assert_true (fp_context_set_flag_by_name (context, kind, names[i], TRUE, NULL));
      g_assert_cmphex (context->enabled[kind], ==, profile->context->enabled[kind]);
    }
  {
    g_auto(GStrv) entries = g_key_file_get_string_list (parsed, "Context", "filesystems", NULL, &error);

    g_assert_no_error (error);
    for (guint i = 0; entries[i] != NULL; i++)
      g_assert_true (fp_context_add_filesystem (context, entries[i], TRUE, NULL));
  }
  {
    g_auto(GStrv) dirs = g_key_file_get_string_list (parsed, "Context", "persistent", NULL, &error);

    g_assert_no_error (error);
    for (guint i = 0; dirs[i] != NULL; i++)
      g_assert_true (fp_context_add_persistent (context, dirs[i], NULL));
  }
  for (int system_bus = 0; system_bus < 2; system_bus++)
    {
      const char *group = system_bus ? "System Bus Policy" : "Session Bus Policy";
      g_auto(GStrv) names = g_key_file_get_keys (parsed, group, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *value = string_or_null (parsed, group, names[i]);

          g_assert_true (fp_context_set_bus_policy (context, system_bus, names[i], value, NULL));
        }
    }
  {
    g_auto(GStrv) names = g_key_file_get_keys (parsed, "Environment", NULL, &error);

    g_assert_no_error (error);
    for (guint i = 0; names[i] != NULL; i++)
      {
        g_autofree char *value = string_or_null (parsed, "Environment", names[i]);

        g_assert_true (fp_context_set_env (context, names[i], value, NULL));
      }
    g_assert_cmpstr (g_hash_table_lookup (context->env, "TRICKY"), ==, " ;=[Context]\\#é ");
  }

  /* The same [Context] and the groups after it, once the raw bind is read
   * back as the filesystem it was written as, the unset variable (written
   * as Flatpak does, LD_PRELOAD= and in unset-environment, which this
   * reader does not take) and the revoked filesystem (never written) are
   * dropped. */
  g_ptr_array_set_size (profile->context->binds, 0);
  g_assert_true (fp_context_add_filesystem (profile->context, "/opt/dict:ro", TRUE, NULL));
  g_hash_table_remove (profile->context->env, "LD_PRELOAD");
  g_hash_table_remove (context->env, "LD_PRELOAD");
  g_hash_table_remove (profile->context->filesystems, "host");
  {
    g_autoptr(GKeyFile) a = g_key_file_new ();
    g_autoptr(GKeyFile) b = g_key_file_new ();

    fp_context_save_keyfile (profile->context, a);
    fp_context_save_keyfile (context, b);
    original = g_key_file_to_data (a, NULL, NULL);
    rebuilt = g_key_file_to_data (b, NULL, NULL);
  }
  g_assert_cmpstr (rebuilt, ==, original);
}

/* Nothing a profile says can add a group or a key to the keyfile. */
static void
test_injection (void)
{
  static const char *const attempts[] = {
    "{\"app-id\": \"org.example.App\\n[Context]\\nfilesystems=host;\"}",
    "{\"app-id\": \"org.example.App\\r\\n[Context]\"}",
    "{\"environment\": {\"A\": \"x\\n[Context]\\nfilesystems=host;\"}}",
    "{\"environment\": {\"A\": \"x\\r[Context]\"}}",
    "{\"environment\": {\"A\\n[Context]\\nfilesystems\": \"host;\"}}",
    "{\"environment\": {\"[Context]\": \"x\"}}",
    "{\"environment\": {\"A=B\": \"x\"}}",
    "{\"filesystems\": [\"/x\\n[Context]\\nfilesystems=host;\"]}",
    "{\"persistent\": [\"x\\n[Context]\"]}",
    "{\"session-bus-policy\": {\"org.a.B\\n[Context]\": \"talk\"}}",
    "{\"session-bus-policy\": {\"org.a.B\": \"talk\\n[Context]\"}}",
  };
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GKeyFile) parsed = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;
  g_auto(GStrv) context_keys = NULL;
  static const char *const expected_groups[] = { "Application", "Instance", "Context", "Fauxpak", "Environment", NULL };
  static const char *const expected_context_keys[] = { "filesystems", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      g_autofree char *message = NULL;

      fp_test_note ("%s", attempts[i]);
      message = fp_test_load_fail (attempts[i], FP_ERROR_INVALID_PROFILE);
      fp_test_note ("refused: %s", message);
    }

  /* What does get through, a value that merely looks like a group or
   * holds separators, stays a value. */
  profile = fp_test_load_ok ("{\"app-id\": \"org.example.App\", \"command\": \"true\","
                             " \"environment\": {\"A\": \"[Context]\", \"B\": \"x;filesystems=host;\"},"
                             " \"binds\": [{\"source\": \"/srv/x;filesystems=host;\"}]}");
  keyfile = fp_flatpak_info_new (profile, &full_facts);
  bytes = fp_flatpak_info_to_bytes (keyfile);
  g_key_file_load_from_bytes (parsed, bytes, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (parsed, NULL);
  g_assert_true (g_strv_equal ((const char *const *) groups, expected_groups));
  context_keys = g_key_file_get_keys (parsed, "Context", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char *const *) context_keys, expected_context_keys));
  {
    g_auto(GStrv) filesystems = g_key_file_get_string_list (parsed, "Context", "filesystems", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (filesystems), ==, 1);
    g_assert_cmpstr (filesystems[0], ==, "/srv/x;filesystems=host;");
  }
  {
    g_autofree char *a = g_key_file_get_string (parsed, "Environment", "A", NULL);
    g_autofree char *b = g_key_file_get_string (parsed, "Environment", "B", NULL);

    g_assert_cmpstr (a, ==, "[Context]");
    g_assert_cmpstr (b, ==, "x;filesystems=host;");
  }
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/flatpak-info/exact", test_exact);
  g_test_add_func ("/flatpak-info/minimal-facts", test_minimal_facts);
  g_test_add_func ("/flatpak-info/arch", test_arch);
  g_test_add_func ("/flatpak-info/round-trip", test_round_trip);
  g_test_add_func ("/flatpak-info/injection", test_injection);
  return g_test_run ();
}
