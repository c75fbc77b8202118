/* flatpak-repo:REPO-PATH:REF: the metadata of the commit a ref of an
 * OSTree repository points at, read with libostree and without a checkout:
 * the commit's xa.metadata (flatpak build-export puts the app's metadata
 * file there), or else the metadata file at the top of the commit's tree.
 * The repository is only read: no transaction, no lock, no write. */
#include "fp-flatpak-import.h"
#include "fp-error.h"

#include <ostree.h>
#include <string.h>

/* The refs a repository has, for a message; at most a few. */
static char *
list_refs (OstreeRepo *repo)
{
  g_autoptr(GHashTable) refs = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GString) listed = g_string_new (NULL);

  if (!ostree_repo_list_refs (repo, NULL, &refs, NULL, NULL) || g_hash_table_size (refs) == 0)
    return g_strdup ("it has no refs");
  names = fp_sorted_keys (refs);
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

gboolean
fp_flatpak_import_repo (FpProfile  *profile,
                        const char *repo_path,
                        const char *ref,
                        GError    **error)
{
  g_autoptr(GFile) repo_file = g_file_new_for_path (repo_path);
  g_autoptr(OstreeRepo) repo = ostree_repo_new (repo_file);
  g_autoptr(GVariant) commit = NULL;
  g_autoptr(GVariant) commit_metadata = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autofree char *source = NULL;
  const char *where = "xa.metadata";
  GError *local_error = NULL;
  gsize length = 0;

  if (!ostree_repo_open (repo, NULL, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: not an OSTree repository: %s",
                   repo_path, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  if (!ostree_repo_resolve_rev_ext (repo, ref, TRUE, OSTREE_REPO_RESOLVE_REV_EXT_NONE, &checksum, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: ref %s: %s", repo_path, ref, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  if (checksum == NULL)
    {
      g_autofree char *refs = list_refs (repo);

      g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND, "%s: no such ref %s (%s)", repo_path, ref, refs);
      return FALSE;
    }
  if (!ostree_repo_load_commit (repo, checksum, &commit, NULL, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: ref %s: cannot load commit %s: %s",
                   repo_path, ref, checksum, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }

  commit_metadata = g_variant_get_child_value (commit, 0);
  if (g_variant_lookup (commit_metadata, "xa.metadata", "s", &contents))
    length = strlen (contents);
  else
    {
      where = "the metadata file in its tree";
      contents = read_tree_metadata (repo, checksum, &length, &local_error);
      if (contents == NULL && local_error != NULL)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: ref %s: commit %s: %s",
                       repo_path, ref, checksum, local_error->message);
          g_error_free (local_error);
          return FALSE;
        }
      if (contents == NULL)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
                       "%s: ref %s: commit %s has no Flatpak metadata: neither xa.metadata in the "
                       "commit's metadata nor a metadata file in its tree", repo_path, ref, checksum);
          return FALSE;
        }
    }

  name = g_strdup_printf ("%s: ref %s: %s", repo_path, ref, where);
  source = g_strdup_printf ("flatpak-repo:%s:%s, %s of commit %s", repo_path, ref, where, checksum);
  return fp_flatpak_import_metadata_data (profile, contents, length, name, source, error);
}
