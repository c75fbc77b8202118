/* fauxpak documents, document-export, document-unexport: the document
 * portal's files, as flatpak's commands of the same names show them. */
#include "fp-cmd.h"
#include "fp-app-id.h"
#include "fp-documents.h"

int
fp_cmd_documents (int argc, char **argv)
{
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  const char *app_id;

  if (!fp_cmd_parse ("[APP-ID]", "List the files exported through the document portal (to one app).",
                     entries, &argc, &argv, &error))
    return fp_cmd_refuse ("documents: %s", error->message);
  if (argc > 2)
    return fp_cmd_refuse ("documents: expected at most one APP-ID");
  app_id = argc == 2 ? argv[1] : NULL;
  if (app_id != NULL && !fp_app_id_validate (app_id, &error))
    return fp_cmd_refuse ("documents: %s", error->message);
  if ((bus = fp_cmd_session_bus (&error)) == NULL ||
      (documents = fp_documents_list (bus, app_id, &error)) == NULL)
    return fp_cmd_refuse ("documents: %s", error->message);

  if (documents->len > 0)
    g_print ("%-24s %-40s %s\n", "ID", "PATH", "APPLICATIONS");
  for (guint i = 0; i < documents->len; i++)
    {
      const FpDocument *d = g_ptr_array_index (documents, i);
      g_autoptr(GString) apps = g_string_new (NULL);

      if (d->apps != NULL)
        {
          GVariantIter iter;
          const char *app;
          g_autofree const char **permissions = NULL;

          g_variant_iter_init (&iter, d->apps);
          while (g_variant_iter_next (&iter, "{&s^a&s}", &app, &permissions))
            {
              g_autofree char *joined = g_strjoinv (",", (char **) permissions);

              g_string_append_printf (apps, "%s%s(%s)", apps->len ? " " : "", app, joined);
              g_clear_pointer (&permissions, g_free);
            }
        }
      g_print ("%-24s %-40s %s\n", d->id, d->path, apps->str);
    }
  return 0;
}

int
fp_cmd_document_export (int argc, char **argv)
{
  g_autofree char *app_id = NULL;
  const GOptionEntry entries[] = {
    { "app", 0, 0, G_OPTION_ARG_STRING, &app_id, "Give this app read and write access to the file", "APP-ID" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *mount = NULL;
  g_autofree char *path = NULL;
  g_autofree char *doc_id = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *inside = NULL;

  if (!fp_cmd_parse ("FILE", "Export FILE through the document portal and print its path in the portal's mount.",
                     entries, &argc, &argv, &error))
    return fp_cmd_refuse ("document-export: %s", error->message);
  if (argc != 2)
    return fp_cmd_refuse ("document-export: expected one FILE");
  if (app_id != NULL && !fp_app_id_validate (app_id, &error))
    return fp_cmd_refuse ("document-export: --app: %s", error->message);
  path = g_canonicalize_filename (argv[1], NULL);
  if ((bus = fp_cmd_session_bus (&error)) == NULL ||
      (mount = fp_documents_get_mount_point (bus, &error)) == NULL ||
      (doc_id = fp_documents_export (bus, path, app_id, &error)) == NULL)
    return fp_cmd_refuse ("document-export: %s", error->message);
  basename = g_path_get_basename (path);
  inside = g_build_filename (mount, doc_id, basename, NULL);
  g_print ("%s\n", inside);
  return 0;
}

int
fp_cmd_document_unexport (int argc, char **argv)
{
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *path = NULL;
  g_autofree char *doc_id = NULL;

  if (!fp_cmd_parse ("FILE", "Remove FILE's document from the document portal, and every app's access to it.",
                     entries, &argc, &argv, &error))
    return fp_cmd_refuse ("document-unexport: %s", error->message);
  if (argc != 2)
    return fp_cmd_refuse ("document-unexport: expected one FILE");
  path = g_canonicalize_filename (argv[1], NULL);
  if ((bus = fp_cmd_session_bus (&error)) == NULL ||
      (doc_id = fp_documents_lookup (bus, path, &error)) == NULL ||
      !fp_documents_delete (bus, doc_id, &error))
    return fp_cmd_refuse ("document-unexport: %s", error->message);
  return 0;
}
