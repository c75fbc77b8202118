#include "fp-documents.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOCUMENTS_NAME "org.freedesktop.portal.Documents"
#define DOCUMENTS_PATH "/org/freedesktop/portal/documents"
#define DOCUMENTS_INTERFACE "org.freedesktop.portal.Documents"

/* AddFull flags, from the document portal's D-Bus interface. */
enum {
  ADD_FLAGS_REUSE_EXISTING = 1 << 0,
  ADD_FLAGS_DIRECTORY      = 1 << 3,
};

/* Directories can be exported from this interface version on. */
#define DOCUMENTS_VERSION_DIRECTORIES 4

/* Remote errors carry their D-Bus name in the message; what the user
 * needs is the text after it. */
static void
strip_remote_error (GError **error)
{
  if (error != NULL && *error != NULL)
    g_dbus_error_strip_remote_error (*error);
}

static char *
get_mount_point (GDBusConnection *session_bus,
                 GDBusCallFlags   flags,
                 GError         **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *mount_point = NULL;

  reply = g_dbus_connection_call_sync (session_bus, DOCUMENTS_NAME, DOCUMENTS_PATH,
                                       DOCUMENTS_INTERFACE, "GetMountPoint", NULL,
                                       G_VARIANT_TYPE ("(ay)"), flags,
                                       FP_DOCUMENTS_TIMEOUT_MS, NULL, error);
  if (reply == NULL)
    {
      strip_remote_error (error);
      return NULL;
    }
  g_variant_get (reply, "(^ay)", &mount_point);
  if (!g_path_is_absolute (mount_point))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the document portal gave \"%s\" as its mount point, not an absolute path",
                   mount_point);
      return NULL;
    }
  return g_steal_pointer (&mount_point);
}

char *
fp_documents_get_mount_point (GDBusConnection *session_bus,
                              GError         **error)
{
  return get_mount_point (session_bus, G_DBUS_CALL_FLAGS_NONE, error);
}

char *
fp_documents_get_mount_point_running (GDBusConnection *session_bus)
{
  return get_mount_point (session_bus, G_DBUS_CALL_FLAGS_NO_AUTO_START, NULL);
}

/* The interface version, kept on the connection: a launch asks it once
 * however many directories it forwards. Only a usable version is kept
 * (0 is none), so a failure is asked again, not remembered. */
G_DEFINE_QUARK (fp-documents-version, fp_documents_version)

static gboolean
get_version (GDBusConnection *session_bus, guint *version_out, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  guint version = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (session_bus), fp_documents_version_quark ()));

  if (version != 0)
    {
      *version_out = version;
      return TRUE;
    }
  reply = g_dbus_connection_call_sync (session_bus, DOCUMENTS_NAME, DOCUMENTS_PATH,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", DOCUMENTS_INTERFACE, "version"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                                       FP_DOCUMENTS_TIMEOUT_MS, NULL, error);
  if (reply == NULL)
    {
      strip_remote_error (error);
      g_prefix_error (error, "cannot ask the document portal's version: ");
      return FALSE;
    }
  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the document portal's version property is not a uint32");
      return FALSE;
    }
  version = g_variant_get_uint32 (value);
  /* Interface versions start at 1: 0 is a broken or impostor portal, and
   * nothing it says about what it supports can be trusted. */
  if (version == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the document portal reports interface version 0, which is not a valid version");
      return FALSE;
    }
  g_object_set_qdata (G_OBJECT (session_bus), fp_documents_version_quark (), GUINT_TO_POINTER (version));
  *version_out = version;
  return TRUE;
}

char *
fp_documents_export (GDBusConnection *session_bus,
                     const char      *path,
                     const char      *app_id,
                     GError         **error)
{
  static const char *const read_write[] = { "read", "write", NULL };
  static const char *const none[] = { NULL };
  const char *const *permissions = app_id != NULL ? read_write : none;
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **doc_ids = NULL;
  guint32 flags = ADD_FLAGS_REUSE_EXISTING;
  struct stat st;
  gint32 handle;
  int fd;

  /* O_PATH: the portal only needs to know which file, and this works for
   * files we may not read ourselves and for directories alike. */
  fd = open (path, O_PATH | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot open %s: %s", path, g_strerror (saved_errno));
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  handle = g_unix_fd_list_append (fds, fd, error);
  close (fd);
  if (handle < 0)
    return NULL;

  if (S_ISDIR (st.st_mode))
    {
      guint version;

      if (!get_version (session_bus, &version, error))
        {
          g_prefix_error (error, "cannot forward the directory %s: ", path);
          return NULL;
        }
      if (version < DOCUMENTS_VERSION_DIRECTORIES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "cannot forward the directory %s: the document portal is version %u, directories need %u",
                       path, version, DOCUMENTS_VERSION_DIRECTORIES);
          return NULL;
        }
      flags |= ADD_FLAGS_DIRECTORY;
    }

  reply = g_dbus_connection_call_with_unix_fd_list_sync (
      session_bus, DOCUMENTS_NAME, DOCUMENTS_PATH, DOCUMENTS_INTERFACE, "AddFull",
      g_variant_new ("(@ahus^as)",
                     g_variant_new_fixed_array (G_VARIANT_TYPE_HANDLE, &handle, 1, sizeof handle),
                     flags, app_id != NULL ? app_id : "", permissions),
      G_VARIANT_TYPE ("(asa{sv})"), G_DBUS_CALL_FLAGS_NONE, FP_DOCUMENTS_TIMEOUT_MS,
      fds, NULL, NULL, error);
  if (reply == NULL)
    {
      strip_remote_error (error);
      g_prefix_error (error, "the document portal did not export %s: ", path);
      return NULL;
    }
  g_variant_get (reply, "(^a&s@a{sv})", &doc_ids, NULL);
  if (doc_ids[0] == NULL || doc_ids[0][0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the document portal exported %s without a document id", path);
      return NULL;
    }
  return g_strdup (doc_ids[0]);
}

/* A call to the portal whose reply has `reply_type`; remote errors are
 * stripped of their D-Bus name and prefixed with what was asked. */
static GVariant *
call_documents (GDBusConnection    *session_bus,
                const char         *method,
                GVariant           *parameters,
                const GVariantType *reply_type,
                GError            **error)
{
  GVariant *reply = g_dbus_connection_call_sync (session_bus, DOCUMENTS_NAME, DOCUMENTS_PATH,
                                                 DOCUMENTS_INTERFACE, method, parameters, reply_type,
                                                 G_DBUS_CALL_FLAGS_NONE, FP_DOCUMENTS_TIMEOUT_MS,
                                                 NULL, error);

  if (reply == NULL)
    {
      strip_remote_error (error);
      g_prefix_error (error, "the document portal's %s failed: ", method);
    }
  return reply;
}

static void
document_free (FpDocument *document)
{
  g_free (document->id);
  g_free (document->path);
  g_clear_pointer (&document->apps, g_variant_unref);
  g_free (document);
}

static int
compare_documents (gconstpointer a, gconstpointer b)
{
  const FpDocument *da = *(FpDocument *const *) a;
  const FpDocument *db = *(FpDocument *const *) b;

  return g_strcmp0 (da->path, db->path);
}

GPtrArray *
fp_documents_list (GDBusConnection *session_bus,
                   const char      *app_id,
                   GError         **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
  const char *id;
  GVariant *path;

  /* An empty app id lists every document. */
  reply = call_documents (session_bus, "List", g_variant_new ("(s)", app_id ? app_id : ""),
                          G_VARIANT_TYPE ("(a{say})"), error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(a{say})", &iter);
  while (g_variant_iter_next (iter, "{&s@ay}", &id, &path))
    {
      FpDocument *document = g_new0 (FpDocument, 1);
      g_autoptr(GVariant) info = NULL;

      document->id = g_strdup (id);
      document->path = g_variant_dup_bytestring (path, NULL);
      g_variant_unref (path);
      info = call_documents (session_bus, "Info", g_variant_new ("(s)", id),
                             G_VARIANT_TYPE ("(aya{sas})"), NULL);
      if (info != NULL)
        document->apps = g_variant_get_child_value (info, 1);
      g_ptr_array_add (documents, document);
    }
  g_ptr_array_sort (documents, compare_documents);
  return g_steal_pointer (&documents);
}

char *
fp_documents_lookup (GDBusConnection *session_bus,
                     const char      *path,
                     GError         **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *id = NULL;

  reply = call_documents (session_bus, "Lookup", g_variant_new ("(^ay)", path),
                          G_VARIANT_TYPE ("(s)"), error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(s)", &id);
  if (id[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s is not exported through the document portal (fauxpak documents lists what is)", path);
      return NULL;
    }
  return g_steal_pointer (&id);
}

gboolean
fp_documents_delete (GDBusConnection *session_bus,
                     const char      *doc_id,
                     GError         **error)
{
  g_autoptr(GVariant) reply = call_documents (session_bus, "Delete", g_variant_new ("(s)", doc_id),
                                              G_VARIANT_TYPE ("()"), error);

  return reply != NULL;
}
