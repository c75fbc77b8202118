/* flatpak-bundle:FILE: the metadata a `flatpak build-bundle` file carries,
 * in its header or as its commit's xa.metadata, read by
 * fauxpak-ostree-reader (fp-ostree-reader.h). The file is only read. */
#include "fp-flatpak-import.h"
#include "fp-ostree-reader.h"

gboolean
fp_flatpak_import_bundle (FpProfile  *profile,
                          const char *path,
                          GError    **error)
{
  const char *const args[] = { "bundle", path, NULL };
  g_autoptr(GVariant) answer = fp_ostree_reader_ask (args, path, error);
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autofree char *source = NULL;
  const char *where = NULL;
  const char *ref = "";
  const char *checksum = NULL;
  gsize length = 0;

  if (answer == NULL)
    return FALSE;
  g_variant_lookup (answer, "where", "&s", &where);
  g_variant_lookup (answer, "ref", "&s", &ref);
  g_variant_lookup (answer, "checksum", "&s", &checksum);
  contents = fp_ostree_reader_metadata (answer, &length);

  name = g_strdup_printf ("%s: %s", path, where);
  source = g_strdup_printf ("flatpak-bundle:%s, the metadata of %s%s%s in %s", path, ref,
                            checksum ? " commit " : "", checksum ? checksum : "", where);
  return fp_flatpak_import_metadata_data (profile, contents, length, name, source, error);
}
