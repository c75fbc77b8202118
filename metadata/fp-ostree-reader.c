/* Runs fauxpak-ostree-reader and takes its answer apart (the program and
 * the answer's format: metadata/ostree-reader/fauxpak-ostree-reader.c). */
#include "config.h"
#include "fp-ostree-reader.h"
#include "fp-error.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

char *
fp_ostree_reader_path (void)
{
  const char *override = g_getenv ("FAUXPAK_OSTREE_READER");
  g_autofree char *self = NULL;
  g_autofree char *build_root = NULL;

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  /* A fauxpak (or a test) run from its build tree uses the reader built
   * with it, whatever an installed copy may be; an installed fauxpak
   * never runs one from a build tree. */
  self = g_file_read_link ("/proc/self/exe", NULL);
  build_root = realpath (FAUXPAK_BUILD_ROOT, NULL);
  if (self != NULL && build_root != NULL && g_str_has_prefix (self, build_root) &&
      self[strlen (build_root)] == '/')
    return g_strdup (FAUXPAK_BUILD_OSTREE_READER);
  return g_strdup (FAUXPAK_OSTREE_READER);
}

GVariant *
fp_ostree_reader_ask (const char *const *args, const char *what, GError **error)
{
  g_autofree char *reader = fp_ostree_reader_path ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GVariant) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *message = NULL;
  gboolean not_found = FALSE;

  g_ptr_array_add (argv, reader);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &local_error);
  if (process == NULL || !g_subprocess_communicate (process, NULL, NULL, &out, &err, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: cannot run the OSTree reader %s: %s",
                   what, reader, local_error->message);
      return NULL;
    }
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));

      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: the OSTree reader %s failed%s%s",
                   what, reader, *g_strstrip (text) != '\0' ? ": " : "", text);
      return NULL;
    }
  /* Not trusted: whatever the bytes are, lookups in them are safe. */
  answer = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, out, FALSE));
  if (g_variant_lookup (answer, "error", "&s", &message))
    {
      g_variant_lookup (answer, "not-found", "b", &not_found);
      g_set_error_literal (error, FP_ERROR, not_found ? FP_ERROR_NOT_FOUND : FP_ERROR_INVALID_PROFILE, message);
      return NULL;
    }
  if (!g_variant_lookup (answer, "where", "&s", NULL) ||
      !g_variant_lookup (answer, "metadata", "@ay", NULL))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: the OSTree reader %s gave no answer",
                   what, reader);
      return NULL;
    }
  return g_steal_pointer (&answer);
}

char *
fp_ostree_reader_metadata (GVariant *answer, gsize *length)
{
  g_autoptr(GVariant) metadata = g_variant_lookup_value (answer, "metadata", G_VARIANT_TYPE_BYTESTRING);
  const char *bytes = g_variant_get_fixed_array (metadata, length, 1);
  char *contents = g_malloc (*length + 1);

  if (*length > 0)
    memcpy (contents, bytes, *length);
  contents[*length] = '\0';
  return contents;
}
