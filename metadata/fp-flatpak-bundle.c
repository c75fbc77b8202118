/* flatpak-bundle:FILE: the metadata a `flatpak build-bundle` file carries.
 * A bundle is one serialised GVariant, an OSTree static delta superblock
 * (flatpak 1.14, flatpak_bundle_load): its first member, a{sv}, holds the
 * bundle's header, "ref" and "metadata" (the app's metadata file); the
 * fifth is the commit, whose own metadata may hold xa.metadata. GVariant
 * reads untrusted serialised data safely: a damaged or foreign file yields
 * empty members, never a crash. The file is only read. */
#include "fp-flatpak-import.h"
#include "fp-error.h"

#include <ostree.h>
#include <string.h>

#define DELTA_META_ENTRY_FORMAT "(uayttay)"
#define DELTA_FALLBACK_FORMAT "(yaytt)"
#define BUNDLE_FORMAT "(a{sv}tayay" OSTREE_COMMIT_GVARIANT_STRING "aya" \
  DELTA_META_ENTRY_FORMAT "a" DELTA_FALLBACK_FORMAT ")"

gboolean
fp_flatpak_import_bundle (FpProfile  *profile,
                          const char *path,
                          GError    **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) bundle = NULL;
  g_autoptr(GVariant) header = NULL;
  g_autoptr(GVariant) commit = NULL;
  g_autoptr(GVariant) commit_metadata = NULL;
  g_autoptr(GVariant) checksum_bytes = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *name = NULL;
  g_autofree char *source = NULL;
  const char *ref = NULL;
  const char *contents = NULL;
  const char *where = "its header";
  GError *local_error = NULL;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: cannot read: %s", path, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  bundle = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (BUNDLE_FORMAT), bytes, FALSE));
  header = g_variant_get_child_value (bundle, 0);
  if (!g_variant_lookup (header, "ref", "&s", &ref))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: not a Flatpak bundle: its header names no ref (make one with flatpak build-bundle)", path);
      return FALSE;
    }
  checksum_bytes = g_variant_get_child_value (bundle, 3);
  if (ostree_validate_structureof_csum_v (checksum_bytes, NULL))
    checksum = ostree_checksum_from_bytes_v (checksum_bytes);

  if (!g_variant_lookup (header, "metadata", "&s", &contents))
    {
      commit = g_variant_get_child_value (bundle, 4);
      commit_metadata = g_variant_get_child_value (commit, 0);
      where = "its commit's xa.metadata";
      if (!g_variant_lookup (commit_metadata, "xa.metadata", "&s", &contents))
        {
          g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
                       "%s: the bundle of %s carries no metadata: neither in its header nor as xa.metadata "
                       "in its commit", path, ref);
          return FALSE;
        }
    }

  name = g_strdup_printf ("%s: %s", path, where);
  source = g_strdup_printf ("flatpak-bundle:%s, the metadata of %s%s%s in %s", path, ref,
                            checksum ? " commit " : "", checksum ? checksum : "", where);
  return fp_flatpak_import_metadata_data (profile, contents, strlen (contents), name, source, error);
}
