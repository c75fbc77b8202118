/* flatpak-repo:REPO-PATH:REF: the metadata of the commit a ref of an
 * OSTree repository points at, read with libostree and without a checkout
 * by fauxpak-ostree-reader (fp-ostree-reader.h): the commit's xa.metadata
 * (flatpak build-export puts the app's metadata file there), or else the
 * metadata file at the top of the commit's tree. The repository is only
 * read: no transaction, no lock, no write. */
#include "fp-flatpak-import.h"
#include "fp-ostree-reader.h"

gboolean
fp_flatpak_import_repo (FpProfile  *profile,
                        const char *repo_path,
                        const char *ref,
                        GError    **error)
{
  const char *const args[] = { "repo", repo_path, ref, NULL };
  g_autofree char *what = g_strdup_printf ("%s: ref %s", repo_path, ref);
  g_autoptr(GVariant) answer = fp_ostree_reader_ask (args, what, error);
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autofree char *source = NULL;
  const char *where = NULL;
  const char *checksum = "";
  gsize length = 0;

  if (answer == NULL)
    return FALSE;
  g_variant_lookup (answer, "where", "&s", &where);
  g_variant_lookup (answer, "checksum", "&s", &checksum);
  contents = fp_ostree_reader_metadata (answer, &length);

  name = g_strdup_printf ("%s: ref %s: %s", repo_path, ref, where);
  source = g_strdup_printf ("flatpak-repo:%s:%s, %s of commit %s", repo_path, ref, where, checksum);
  return fp_flatpak_import_metadata_data (profile, contents, length, name, source, error);
}
