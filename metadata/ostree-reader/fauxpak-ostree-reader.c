/* fauxpak-ostree-reader: reads the Flatpak metadata that OSTree data holds,
 * for the flatpak-repo: and flatpak-bundle: imports (metadata/fp-ostree-
 * reader.c runs it). It is a program of its own so that libostree, and the
 * ~50 libraries it pulls in (curl, gnutls, gpgme, libarchive, …), are loaded
 * only when a profile imports OSTree data, never by every `fauxpak run`.
 *
 *   fauxpak-ostree-reader repo REPO-PATH REF
 *     the commit REF points at: the commit's xa.metadata (flatpak
 *     build-export puts the app's metadata file there), or else the
 *     metadata file at the top of the commit's tree, read through the
 *     repository's objects without a checkout. The repository is only
 *     read: no transaction, no lock, no write.
 *   fauxpak-ostree-reader bundle FILE
 *     a `flatpak build-bundle` file: one serialised GVariant, an OSTree
 *     static delta superblock (flatpak 1.14, flatpak_bundle_load), whose
 *     first member, a{sv}, holds the bundle's header, "ref" and "metadata"
 *     (the app's metadata file); the fifth is the commit, whose own metadata
 *     may hold xa.metadata. GVariant reads untrusted serialised data
 *     safely: a damaged or foreign file yields empty members, never a
 *     crash. The file is only read.
 *
 * The answer, on stdout, is one serialised GVariant a{sv}:
 *   "metadata" ay  the metadata keyfile's bytes, as stored
 *   "where"    s   where in the commit or bundle they were found
 *   "checksum" s   the commit's checksum (a bundle may lack a valid one)
 *   "ref"      s   the ref a bundle holds
 * or, when the data has no metadata or cannot be read,
 *   "error"     s  the whole message, naming the repository, ref or file
 *   "not-found" b  TRUE when the data is there but holds no such thing
 * Exit status 0 for both; 2 for a wrong command line, 1 when no answer
 * could be written. */
#include <ostree.h>
#include <stdio.h>
#include <string.h>

#define DELTA_META_ENTRY_FORMAT "(uayttay)"
#define DELTA_FALLBACK_FORMAT "(yaytt)"
#define BUNDLE_FORMAT "(a{sv}tayay" OSTREE_COMMIT_GVARIANT_STRING "aya" \
  DELTA_META_ENTRY_FORMAT "a" DELTA_FALLBACK_FORMAT ")"

static void
answer_error (GVariantDict *answer, gboolean not_found, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
answer_error (GVariantDict *answer, gboolean not_found, const char *format, ...)
              {
              g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_variant_dict_insert (answer, "error", "s", message);
  g_variant_dict_insert (answer, "not-found", "b", not_found);
}

static void
answer_metadata (GVariantDict *answer, const char *contents, gsize length, const char *where)
                 {
                 g_variant_dict_insert_value (answer, "metadata",
                 g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, contents, length, 1));
  g_variant_dict_insert (answer, "where", "s", where);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The refs a repository has, for a message; at most a few. */
static char *
list_refs (OstreeRepo *repo)
{
  g_autoptr(GHashTable) refs = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GString) listed = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key;

  if (!ostree_repo_list_refs (repo, NULL, &refs, NULL, NULL) || g_hash_table_size (refs) == 0)
    return g_strdup ("it has no refs");
  g_hash_table_iter_init (&iter, refs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_strings);
  g_string_append (listed, "it has ");
  for (guint i = 0; i < names->len && i < 8; i++)
    g_string_append_printf (listed, "%s%s", i ? ", " : "", (char *) names->pdata[i]);
  if (names->len > 8)
    g_string_append_printf (listed, " and %u more", names->len - 8);
  return g_string_free (g_steal_pointer (&listed), FALSE);
}

/* The metadata file at the top of the commit's tree, read through the
 * repository's objects. NULL without an error when the tree has none. */
static char *
read_tree_metadata (OstreeRepo *repo, const char *checksum, gsize *length, GError **error)
{
  g_autoptr(GFile) root = NULL;
  g_autoptr(GFile) metadata = NULL;
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;

  if (!ostree_repo_read_commit (repo, checksum, &root, NULL, NULL, error))
    return NULL;
  metadata = g_file_get_child (root, "metadata");
  if (!g_file_load_contents (metadata, NULL, &contents, length, NULL, &local_error))
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return contents;
}

static void
read_repo (GVariantDict *answer, const char *repo_path, const char *ref)
{
  g_autoptr(GFile) repo_file = g_file_new_for_path (repo_path);
  g_autoptr(OstreeRepo) repo = ostree_repo_new (repo_file);
  g_autoptr(GVariant) commit = NULL;
  g_autoptr(GVariant) commit_metadata = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *contents = NULL;
  const char *xa_metadata = NULL;

  if (!ostree_repo_open (repo, NULL, &error))
    {
      answer_error (answer, FALSE, "%s: not an OSTree repository: %s", repo_path, error->message);
      return;
    }
  if (!ostree_repo_resolve_rev_ext (repo, ref, TRUE, OSTREE_REPO_RESOLVE_REV_EXT_NONE, &checksum, &error))
    {
      answer_error (answer, FALSE, "%s: ref %s: %s", repo_path, ref, error->message);
      return;
    }
  if (checksum == NULL)
    {
      g_autofree char *refs = list_refs (repo);

      answer_error (answer, TRUE, "%s: no such ref %s (%s)", repo_path, ref, refs);
      return;
    }
  if (!ostree_repo_load_commit (repo, checksum, &commit, NULL, &error))
    {
      answer_error (answer, FALSE, "%s: ref %s: cannot load commit %s: %s",
                    repo_path, ref, checksum, error->message);
      return;
    }
  g_variant_dict_insert (answer, "checksum", "s", checksum);

  commit_metadata = g_variant_get_child_value (commit, 0);
  if (g_variant_lookup (commit_metadata, "xa.metadata", "&s", &xa_metadata))
    {
      answer_metadata (answer, xa_metadata, strlen (xa_metadata), "xa.metadata");
      return;
    }

  {
    gsize length = 0;

    contents = read_tree_metadata (repo, checksum, &length, &error);
    if (contents == NULL && error != NULL)
      {
        answer_error (answer, FALSE, "%s: ref %s: commit %s: %s", repo_path, ref, checksum, error->message);
        return;
      }
    if (contents == NULL)
      {
        answer_error (answer, TRUE,
                      "%s: ref %s: commit %s has no Flatpak metadata: neither xa.metadata in the "
                      "commit's metadata nor a metadata file in its tree", repo_path, ref, checksum);
        return;
      }
    answer_metadata (answer, contents, length, "the metadata file in its tree");
  }
}

static void
read_bundle (GVariantDict *answer, const char *path)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) bundle = NULL;
  g_autoptr(GVariant) header = NULL;
  g_autoptr(GVariant) commit = NULL;
  g_autoptr(GVariant) commit_metadata = NULL;
  g_autoptr(GVariant) checksum_bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *ref = NULL;
  const char *contents = NULL;
  const char *where = "its header";

  mapped = g_mapped_file_new (path, FALSE, &error);
  if (mapped == NULL)
    {
      answer_error (answer, FALSE, "%s: cannot read: %s", path, error->message);
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  bundle = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (BUNDLE_FORMAT), bytes, FALSE));
  header = g_variant_get_child_value (bundle, 0);
  if (!g_variant_lookup (header, "ref", "&s", &ref))
    {
      answer_error (answer, FALSE,
                    "%s: not a Flatpak bundle: its header names no ref (make one with flatpak build-bundle)",
                    path);
      return;
    }
  g_variant_dict_insert (answer, "ref", "s", ref);
  checksum_bytes = g_variant_get_child_value (bundle, 3);
  if (ostree_validate_structureof_csum_v (checksum_bytes, NULL))
    g_variant_dict_insert_value (answer, "checksum",
                                 g_variant_new_take_string (ostree_checksum_from_bytes_v (checksum_bytes)));

  if (!g_variant_lookup (header, "metadata", "&s", &contents))
    {
      commit = g_variant_get_child_value (bundle, 4);
      commit_metadata = g_variant_get_child_value (commit, 0);
      where = "its commit's xa.metadata";
      if (!g_variant_lookup (commit_metadata, "xa.metadata", "&s", &contents))
        {
          answer_error (answer, TRUE,
                        "%s: the bundle of %s carries no metadata: neither in its header nor as xa.metadata "
                        "in its commit", path, ref);
          return;
        }
    }
  answer_metadata (answer, contents, strlen (contents), where);
}

int
main (int argc, char **argv)
{
  g_auto(GVariantDict) answer = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) reply = NULL;

  if (argc == 4 && strcmp (argv[1], "repo") == 0)
    read_repo (&answer, argv[2], argv[3]);
  else if (argc == 3 && strcmp (argv[1], "bundle") == 0)
    read_bundle (&answer, argv[2]);
  else
    {
      fprintf (stderr, "usage: %s repo REPO-PATH REF | bundle FILE\n"
                       "(run by fauxpak for its flatpak-repo: and flatpak-bundle: imports)\n",
               argc > 0 ? argv[0] : "fauxpak-ostree-reader");
      return 2;
    }
  reply = g_variant_ref_sink (g_variant_dict_end (&answer));
  if (fwrite (g_variant_get_data (reply), 1, g_variant_get_size (reply), stdout) != g_variant_get_size (reply) ||
      fflush (stdout) != 0)
    {
      perror ("fauxpak-ostree-reader: cannot write the answer");
      return 1;
    }
  return 0;
}
