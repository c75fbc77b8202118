/* The imports that read Flatpak's stores: an installation with its
 * override files (a layout made here as flatpak lays it out), an OSTree
 * repository (made with the ostree command) and a bundle (a GVariant made
 * here in the bundle's format); and the origin each grant is given. The
 * integration test holds all three against the real flatpak. */
#include "fp-test-util.h"
#include "fp-flatpak-import.h"
#include "fp-flatpak-info.h"
#include "fp-origins.h"

#define APP "org.example.Installed"

static const char app_metadata[] =
  "[Application]\nname=" APP "\nruntime=org.example.Platform/x86_64/1\ncommand=installed\n\n"
  "[Context]\nshared=network;\nsockets=wayland;\nfilesystems=xdg-download:ro;\n\n"
  "[Session Bus Policy]\norg.example.Peer=talk\n\n"
  "[Environment]\nLAYER=metadata\nKEPT=yes\n";

/* INSTALLATION/app/APP/ARCH/BRANCH/active/metadata, as flatpak deploys. */
static void
deploy (const char *installation, const char *branch, const char *metadata, gboolean make_current)
{
  g_autofree char *deploy_dir = g_build_filename (installation, "app", APP, fp_flatpak_arch (), branch, NULL);
  g_autofree char *commit_dir = g_build_filename (deploy_dir, "0123abcd", NULL);
  g_autofree char *active = g_build_filename (deploy_dir, "active", NULL);
  g_autofree char *file = g_build_filename (commit_dir, "metadata", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (commit_dir, 0700), ==, 0);
  g_file_set_contents (file, metadata, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("0123abcd", active), ==, 0);
  if (make_current)
    {
      g_autofree char *current = g_build_filename (installation, "app", APP, "current", NULL);
      g_autofree char *target = g_strdup_printf ("%s/%s", fp_flatpak_arch (), branch);

      g_assert_cmpint (symlink (target, current), ==, 0);
    }
}

static void
put_override (const char *installation, const char *name, const char *contents)
{
  g_autofree char *dir = g_build_filename (installation, "overrides", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* A user and a system installation under `dir`, named by the variables
 * flatpak reads. */
static void
use_installations (FpTmpDir *dir, char **user, char **system)
{
  *user = g_build_filename (dir->path, "user", NULL);
  *system = g_build_filename (dir->path, "system", NULL);
  g_assert_cmpint (g_mkdir_with_parents (*user, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (*system, 0700), ==, 0);
  g_setenv ("FLATPAK_USER_DIR", *user, TRUE);
  g_setenv ("FLATPAK_SYSTEM_DIR", *system, TRUE);
}

/* Every override of every kind, each setting LAYER: the last in Flatpak's
 * order wins, and the system's count only for a system app. */
static void
put_all_overrides (const char *user, const char *system)
{
  put_override (system, "global", "[Context]\nshared=ipc;\n[Environment]\nLAYER=system-global\nSYSTEM_GLOBAL=1\n");
  put_override (system, APP, "[Environment]\nLAYER=system-app\nSYSTEM_APP=1\n");
  put_override (user, "global", "[Context]\nsockets=!wayland;\n[Environment]\nLAYER=user-global\nUSER_GLOBAL=1\n");
  put_override (user, APP, "[Context]\nfilesystems=!xdg-download;~/Shared:ro;\nunset-environment=KEPT;\n"
                           "[Session Bus Policy]\norg.example.Peer=none\n"
                           "[Environment]\nLAYER=user-app\nKEPT=\n");
}

static FpProfile *
import_installed (const char *app_ref, GError **error)
{
  g_autoptr(FpProfile) profile = fp_profile_new ();

  if (!fp_flatpak_import_installed (profile, app_ref, error))
    return NULL;
  return g_steal_pointer (&profile);
}

static void
test_system_app_override_order (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *user = NULL, *system = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  FpContext *ctx;

  use_installations (dir, &user, &system);
  deploy (system, "stable", app_metadata, TRUE);
  put_all_overrides (user, system);
  profile = import_installed (APP, &error);
  g_assert_no_error (error);
  ctx = profile->context;

  g_assert_cmpstr (profile->app_id, ==, APP);
  g_assert_cmpstr (profile->command[0], ==, "installed");
  g_assert_cmpstr (g_hash_table_lookup (ctx->env, "LAYER"), ==, "user-app");
  g_assert_cmpstr (g_hash_table_lookup (ctx->env, "SYSTEM_GLOBAL"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (ctx->env, "SYSTEM_APP"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (ctx->env, "USER_GLOBAL"), ==, "1");
  /* unset-environment wins over the KEPT= written next to it. */
  g_assert_true (g_hash_table_contains (ctx->env, "KEPT"));
  g_assert_null (g_hash_table_lookup (ctx->env, "KEPT"));
  g_assert_true (fp_context_has (ctx, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (fp_context_has (ctx, FP_FLAGS_SHARED, FP_SHARE_IPC));
  g_assert_false (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (ctx->filesystems, "xdg-download")), ==, FP_FILESYSTEM_NONE);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (ctx->filesystems, "~/Shared")), ==, FP_FILESYSTEM_READ_ONLY);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (ctx->session_bus_policy, "org.example.Peer")), ==, FP_POLICY_NONE);
}

static void
test_user_app_skips_system_overrides (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *user = NULL, *system = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  use_installations (dir, &user, &system);
  /* In both: the user's wins, and with it only the user's overrides. */
  deploy (user, "stable", app_metadata, TRUE);
  deploy (system, "stable", "[Application]\nname=" APP "\n[Context]\ndevices=all;\n", TRUE);
  put_all_overrides (user, system);
  profile = import_installed (APP "//stable", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (profile->context->env, "LAYER"), ==, "user-app");
  g_assert_false (g_hash_table_contains (profile->context->env, "SYSTEM_GLOBAL"));
  g_assert_false (g_hash_table_contains (profile->context->env, "SYSTEM_APP"));
  g_assert_false (fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_IPC));
  g_assert_false (fp_context_has (profile->context, FP_FLAGS_DEVICES, FP_DEVICE_ALL));
}

static void
test_current_branch (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *user = NULL, *system = NULL;
  g_autoptr(FpProfile) beta = NULL;
  g_autoptr(FpProfile) named = NULL;
  g_autoptr(GError) error = NULL;

  use_installations (dir, &user, &system);
  deploy (user, "stable", app_metadata, FALSE);
  deploy (user, "beta", "[Application]\nname=" APP "\n[Context]\nshared=ipc;\n", TRUE);
  /* No branch: the one app/ID/current points at, as flatpak run picks. */
  beta = import_installed (APP, &error);
  g_assert_no_error (error);
  g_assert_true (fp_context_has (beta->context, FP_FLAGS_SHARED, FP_SHARE_IPC));
  g_assert_false (fp_context_has (beta->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  named = import_installed (APP "//stable", &error);
  g_assert_no_error (error);
  g_assert_true (fp_context_has (named->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
}

static void
test_installed_errors (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *user = NULL, *system = NULL;
  g_autofree char *ref = g_strdup_printf ("app/" APP "/%s/master", fp_flatpak_arch ());
  g_autofree char *installed = g_strdup_printf ("installed are app/" APP "/%s/stable (system)", fp_flatpak_arch ());
  GError *error = NULL;

  use_installations (dir, &user, &system);
  g_assert_null (import_installed (APP, &error));
  g_assert_error (error, FP_ERROR, FP_ERROR_NOT_FOUND);
  fp_assert_contains (error->message, "no such app");
  fp_assert_contains (error->message, ref);
  fp_assert_contains (error->message, user);
  fp_assert_contains (error->message, system);
  g_clear_error (&error);

  deploy (system, "stable", app_metadata, FALSE);
  g_assert_null (import_installed (APP "//master", &error));
  fp_assert_contains (error->message, installed);
  g_clear_error (&error);

  g_assert_null (import_installed ("Installed", &error));
  fp_assert_contains (error->message, "flatpak-app:Installed: app id");
  g_clear_error (&error);
  g_assert_null (import_installed (APP "//", &error));
  fp_assert_contains (error->message, "is not a branch");
  g_clear_error (&error);

  /* A broken override stops the import; it may have taken grants away. */
  put_override (system, APP, "[Context]\nshared=internet;\n");
  g_assert_null (import_installed (APP "//stable", &error));
  fp_assert_contains (error->message, "overrides/" APP);
  fp_assert_contains (error->message, "unknown shared value \"internet\"");
  g_clear_error (&error);
}

/* flatpak override --nofilesystem=host:reset drops the filesystems of the
 * layers below it (the metadata, earlier overrides), not those after it. */
static void
test_host_reset (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *user = NULL, *system = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autofree char *filesystems = NULL;
  FpContext *ctx;

  use_installations (dir, &user, &system);
  deploy (system, "stable", app_metadata, TRUE);
  put_override (system, APP, "[Context]\nfilesystems=home;\n");
  put_override (user, "global", "[Context]\nfilesystems=!host:reset;~/Kept:ro;\n");
  put_override (user, APP, "[Context]\nfilesystems=xdg-music;\n");
  profile = import_installed (APP, &error);
  g_assert_no_error (error);
  ctx = profile->context;
  g_assert_false (g_hash_table_contains (ctx->filesystems, "xdg-download"));
  g_assert_false (g_hash_table_contains (ctx->filesystems, "home"));
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (ctx->filesystems, "host")), ==, FP_FILESYSTEM_NONE);
  keyfile = fp_origins_snapshot (ctx);
  filesystems = g_key_file_get_value (keyfile, "Context", "filesystems", NULL);
  g_assert_cmpstr (filesystems, ==, "xdg-music;~/Kept:ro;");

  /* It only takes away. */
  g_clear_pointer (&profile, fp_profile_free);
  put_override (user, "global", "[Context]\nfilesystems=host:reset;\n");
  g_assert_null (import_installed (APP, &error));
  fp_assert_contains (error->message, "overrides/global: [Context] filesystems: filesystem \"host:reset\" only takes grants away");
}

/* --- origins -------------------------------------------------------------- */

static char *
annotated_info (FpProfile *profile)
{
  g_autoptr(GKeyFile) keyfile = fp_origins_snapshot (profile->context);

  fp_origins_annotate (profile->origins, keyfile);
  return g_key_file_to_data (keyfile, NULL, NULL);
}

static void
test_origins (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *user = NULL, *system = NULL;
  g_autofree char *profile_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *from_metadata = NULL;
  g_autofree char *from_override = NULL;
  g_autofree char *from_profile = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GKeyFile) reread = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  use_installations (dir, &user, &system);
  deploy (user, "stable", app_metadata, TRUE);
  put_override (user, APP, "[Context]\nshared=ipc;\n");
  profile_path = fp_test_write (dir, "app.json",
    "{ \"imports\": [\"flatpak-app:" APP "\"], \"sockets\": [\"pulseaudio\"], \"shared\": [\"!ipc\", \"network\"] }");
  profile = fp_profile_load (profile_path, &error);
  g_assert_no_error (error);
  text = annotated_info (profile);

  from_metadata = g_strdup_printf ("# sockets=wayland: from flatpak-app:" APP ", the metadata of app/" APP "/%s/stable "
                                   "in the user installation %s\n", fp_flatpak_arch (), user);
  from_override = g_strdup_printf ("# filesystems=xdg-download:ro: from flatpak-app:" APP);
  from_profile = g_strdup_printf ("# sockets=pulseaudio: from the profile %s\n", profile_path);
  fp_assert_contains (text, from_metadata);
  fp_assert_contains (text, from_override);
  fp_assert_contains (text, from_profile);
  /* network came from the metadata first; the profile granting it again
   * does not move its origin. ipc, revoked by the profile, is not listed. */
  fp_assert_contains (text, "# shared=network: from flatpak-app:" APP);
  g_assert_null (strstr (text, "shared=ipc"));
  /* Comments only: the keyfile reads back as the same permissions. */
  g_key_file_load_from_data (reread, text, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  {
    g_autofree char *value = g_key_file_get_value (reread, "Context", "sockets", NULL);

    g_assert_cmpstr (value, ==, "wayland;pulseaudio;");
  }
}

static void
test_origins_overrides (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *user = NULL, *system = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected_app = NULL;
  g_autofree char *expected_global = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  use_installations (dir, &user, &system);
  deploy (system, "stable", app_metadata, TRUE);
  put_override (system, "global", "[Environment]\nFROM=system-global\n");
  put_override (user, APP, "[Context]\nfilesystems=xdg-download;\n");
  profile = import_installed (APP, &error);
  g_assert_no_error (error);
  text = annotated_info (profile);
  expected_app = g_strdup_printf ("# filesystems=xdg-download: from the user installation's flatpak override for "
                                  APP ", %s/overrides/" APP "\n", user);
  expected_global = g_strdup_printf ("# FROM=system-global: from the system installation's flatpak override for "
                                     "all apps, %s/overrides/global\n", system);
  fp_assert_contains (text, expected_app);
  fp_assert_contains (text, expected_global);
}

/* --- OSTree repositories ------------------------------------------------- */

static gboolean
run_ostree (const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "ostree");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      fp_test_note ("ostree failed: %s%s", error ? error->message : "", err ? err : "");
      return FALSE;
    }
  return TRUE;
}

/* A repository with three commits: one with xa.metadata (as flatpak
 * build-export writes), one with only a metadata file in its tree, one
 * with neither. */
static char *
make_repo (FpTmpDir *dir)
{
  g_autofree char *repo = g_build_filename (dir->path, "repo", NULL);
  g_autofree char *repo_arg = g_strconcat ("--repo=", repo, NULL);
  g_autofree char *tree = g_build_filename (dir->path, "tree", NULL);
  g_autofree char *empty = g_build_filename (dir->path, "empty", NULL);
  g_autofree char *tree_arg = g_strconcat ("--tree=dir=", tree, NULL);
  g_autofree char *empty_arg = g_strconcat ("--tree=dir=", empty, NULL);
  g_autofree char *xa = g_strconcat ("--add-metadata-string=xa.metadata=", app_metadata, NULL);

  g_autofree char *ostree = g_find_program_in_path ("ostree");

  if (ostree == NULL)
    return NULL;
  fp_test_put (dir, "tree/metadata", "[Application]\nname=" APP "\n[Context]\nsockets=pulseaudio;\n");
  fp_test_put (dir, "tree/files/bin/installed", "#!/bin/sh\n");
  fp_test_put (dir, "empty/files/README", "nothing\n");
  if (!run_ostree ((const char *[]) { "init", repo_arg, "--mode=archive-z2", NULL }) ||
      !run_ostree ((const char *[]) { "commit", repo_arg, "--branch=app/" APP "/x86_64/stable", tree_arg, xa, NULL }) ||
      !run_ostree ((const char *[]) { "commit", repo_arg, "--branch=app/" APP "/x86_64/tree", tree_arg, NULL }) ||
      !run_ostree ((const char *[]) { "commit", repo_arg, "--branch=app/" APP "/x86_64/bare", empty_arg, NULL }))
    return NULL;
  return g_steal_pointer (&repo);
}

/* Every file's path, size and modification time: what a write would change. */
static void
list_tree (GString *out, const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  GStatBuf st;

  if (g_lstat (path, &st) == 0)
    g_string_append_printf (out, "%s %lld %lld %lld\n", path, (long long) st.st_size,
                            (long long) st.st_mtime, (long long) st.st_ctime);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      list_tree (out, child);
    }
}

static void
test_repo (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *repo = make_repo (dir);
  g_autoptr(GString) before = g_string_new (NULL);
  g_autoptr(GString) after = g_string_new (NULL);

  if (repo == NULL)
    {
      g_test_skip ("no ostree command to make a repository with");
      return;
    }
  list_tree (before, repo);
  {
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    g_assert_true (fp_flatpak_import_repo (profile, repo, "app/" APP "/x86_64/stable", &error));
    g_assert_no_error (error);
    g_assert_cmpstr (profile->app_id, ==, APP);
    /* xa.metadata first, not the tree's file. */
    g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
    g_assert_false (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_PULSEAUDIO));
    text = annotated_info (profile);
    fp_assert_contains (text, "xa.metadata of commit ");
  }
  {
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    g_assert_true (fp_flatpak_import_repo (profile, repo, "app/" APP "/x86_64/tree", &error));
    g_assert_no_error (error);
    g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_PULSEAUDIO));
    text = annotated_info (profile);
    fp_assert_contains (text, "the metadata file in its tree of commit ");
  }
  {
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (fp_flatpak_import_repo (profile, repo, "app/" APP "/x86_64/bare", &error));
    g_assert_error (error, FP_ERROR, FP_ERROR_NOT_FOUND);
    fp_assert_contains (error->message, repo);
    fp_assert_contains (error->message, "ref app/" APP "/x86_64/bare");
    fp_assert_contains (error->message, "has no Flatpak metadata");
  }
  {
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (fp_flatpak_import_repo (profile, repo, "app/" APP "/x86_64/missing", &error));
    g_assert_error (error, FP_ERROR, FP_ERROR_NOT_FOUND);
    fp_assert_contains (error->message, "no such ref app/" APP "/x86_64/missing");
    fp_assert_contains (error->message, "it has app/" APP "/x86_64/bare, app/" APP "/x86_64/stable");
  }
  {
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (fp_flatpak_import_repo (profile, dir->path, "app/" APP "/x86_64/stable", &error));
    fp_assert_contains (error->message, dir->path);
    fp_assert_contains (error->message, "not an OSTree repository");
  }
  list_tree (after, repo);
  g_assert_cmpstr (after->str, ==, before->str);
}

/* A profile names a repository relative to itself; a path before the ref
 * may hold a colon, and so may the ref (REMOTE:REF). */
static void
test_repo_in_profile (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *repo = make_repo (dir);
  g_autofree char *profile_path = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  if (repo == NULL)
    {
      g_test_skip ("no ostree command to make a repository with");
      return;
    }
  profile_path = fp_test_write (dir, "app.json",
    "{ \"imports\": [\"flatpak-repo:repo:app/" APP "/x86_64/stable\"] }");
  profile = fp_profile_load (profile_path, &error);
  g_assert_no_error (error);
  g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_clear_pointer (&profile, fp_profile_free);

  g_free (profile_path);
  profile_path = fp_test_write (dir, "bad.json", "{ \"imports\": [\"flatpak-repo:repo\"] }");
  g_assert_null (fp_profile_load (profile_path, &error));
  fp_assert_contains (error->message, "expected flatpak-repo:REPO-PATH:REF");
  g_clear_error (&error);

  g_free (profile_path);
  profile_path = fp_test_write (dir, "remote.json",
    "{ \"imports\": [\"flatpak-repo:repo:origin:app/" APP "/x86_64/stable\"] }");
  g_assert_null (fp_profile_load (profile_path, &error));
  fp_assert_contains (error->message, "ref origin:app/" APP "/x86_64/stable");
}

/* The reader is a program of its own (fauxpak-ostree-reader): one that
 * cannot run, or fails, or answers nothing usable, is an error naming the
 * repository or bundle and the reader; nothing is imported. */
static void
test_reader_errors (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *missing = g_build_filename (dir->path, "no-reader", NULL);
  g_autofree char *failing = fp_test_write (dir, "failing-reader", "#!/bin/sh\necho broken >&2\nexit 3\n");
  g_autofree char *silent = fp_test_write (dir, "silent-reader", "#!/bin/sh\nexit 0\n");
  g_autofree char *bundle = fp_test_write (dir, "app.flatpak", "");
  struct {
    const char *reader;
    const char *expected;
  } cases[] = {
    { missing, "cannot run the OSTree reader" },
    { failing, "failed: broken" },
    { silent, "gave no answer" },
  };

  g_assert_cmpint (g_chmod (failing, 0755), ==, 0);
  g_assert_cmpint (g_chmod (silent, 0755), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FpProfile) profile = fp_profile_new ();
      g_autoptr(GError) error = NULL;

      g_setenv ("FAUXPAK_OSTREE_READER", cases[i].reader, TRUE);
      g_assert_false (fp_flatpak_import_repo (profile, dir->path, "app/" APP "/x86_64/stable", &error));
      g_assert_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE);
      fp_assert_contains (error->message, dir->path);
      fp_assert_contains (error->message, "ref app/" APP "/x86_64/stable");
      fp_assert_contains (error->message, cases[i].reader);
      fp_assert_contains (error->message, cases[i].expected);
      g_assert_null (profile->app_id);
      g_clear_error (&error);

      g_assert_false (fp_flatpak_import_bundle (profile, bundle, &error));
      fp_assert_contains (error->message, bundle);
      fp_assert_contains (error->message, cases[i].expected);
    }
  g_unsetenv ("FAUXPAK_OSTREE_READER");
}

/* --- bundles --------------------------------------------------------------- */

/* A bundle as flatpak build-bundle lays it out (flatpak_bundle_load's
 * format): the header, and the commit with its own metadata. */
static char *
write_bundle (FpTmpDir *dir, const char *name, const char *ref, const char *header_metadata,
              const char *commit_metadata)
{
  g_auto(GVariantBuilder) header = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_auto(GVariantBuilder) commit_meta = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GVariant) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir->path, name, NULL);
  guint8 checksum[32] = { 0xab, 0xcd };

  if (ref != NULL)
    g_variant_builder_add (&header, "{sv}", "ref", g_variant_new_string (ref));
  if (header_metadata != NULL)
    g_variant_builder_add (&header, "{sv}", "metadata", g_variant_new_string (header_metadata));
  if (commit_metadata != NULL)
    g_variant_builder_add (&commit_meta, "{sv}", "xa.metadata", g_variant_new_string (commit_metadata));
  bundle = g_variant_ref_sink (g_variant_new (
    "(a{sv}t@ay@ay(a{sv}aya(say)sstayay)aya(uayttay)a(yaytt))",
    &header, (guint64) 0, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, NULL, 0, 1),
    g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, checksum, sizeof checksum, 1),
    &commit_meta, NULL, NULL, "subject", "body", (guint64) 0, NULL, NULL,
    NULL, NULL, NULL));
  g_file_set_contents (path, g_variant_get_data (bundle), g_variant_get_size (bundle), &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
test_bundle (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *ref = g_strdup ("app/" APP "/x86_64/stable");
  static const char commit_only[] = "[Application]\nname=" APP "\n[Context]\nsockets=pulseaudio;\n";

  {
    g_autofree char *path = write_bundle (dir, "header.flatpak", ref, app_metadata, commit_only);
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    g_assert_true (fp_flatpak_import_bundle (profile, path, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (profile->app_id, ==, APP);
    g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
    g_assert_false (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_PULSEAUDIO));
    text = annotated_info (profile);
    fp_assert_contains (text, "from flatpak-bundle:");
    fp_assert_contains (text, "the metadata of app/" APP "/x86_64/stable commit abcd00");
  }
  {
    g_autofree char *path = write_bundle (dir, "commit.flatpak", ref, NULL, commit_only);
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;

    g_assert_true (fp_flatpak_import_bundle (profile, path, &error));
    g_assert_no_error (error);
    g_assert_true (fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_PULSEAUDIO));
  }
  {
    g_autofree char *path = write_bundle (dir, "none.flatpak", ref, NULL, NULL);
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (fp_flatpak_import_bundle (profile, path, &error));
    g_assert_error (error, FP_ERROR, FP_ERROR_NOT_FOUND);
    fp_assert_contains (error->message, path);
    fp_assert_contains (error->message, "the bundle of app/" APP "/x86_64/stable carries no metadata");
  }
  {
    g_autofree char *path = fp_test_write (dir, "text.flatpak", "[Application]\nname=" APP "\n");
    g_autofree char *truncated = fp_test_write (dir, "empty.flatpak", "");
    g_autoptr(FpProfile) profile = fp_profile_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (fp_flatpak_import_bundle (profile, path, &error));
    fp_assert_contains (error->message, "not a Flatpak bundle");
    g_clear_error (&error);
    g_assert_false (fp_flatpak_import_bundle (profile, truncated, &error));
    fp_assert_contains (error->message, "not a Flatpak bundle");
  }
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/flatpak-sources/installed/system-app-override-order", test_system_app_override_order);
  g_test_add_func ("/flatpak-sources/installed/user-app-skips-system-overrides", test_user_app_skips_system_overrides);
  g_test_add_func ("/flatpak-sources/installed/current-branch", test_current_branch);
  g_test_add_func ("/flatpak-sources/installed/errors", test_installed_errors);
  g_test_add_func ("/flatpak-sources/installed/host-reset", test_host_reset);
  g_test_add_func ("/flatpak-sources/origins", test_origins);
  g_test_add_func ("/flatpak-sources/origins-overrides", test_origins_overrides);
  g_test_add_func ("/flatpak-sources/repo", test_repo);
  g_test_add_func ("/flatpak-sources/repo-in-profile", test_repo_in_profile);
  g_test_add_func ("/flatpak-sources/bundle", test_bundle);
  g_test_add_func ("/flatpak-sources/reader-errors", test_reader_errors);
  return g_test_run ();
}
