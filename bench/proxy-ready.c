/* Times nothing itself: runs COMMAND… with a pipe's write end at fd 3
 * and returns once the first byte arrives on it (xdg-dbus-proxy's --fd=3
 * ready byte), after which the read end is closed and the proxy, finding
 * its end of file, exits; waits for it. Exit status 0 if the byte came.
 *   proxy-ready COMMAND [ARG…] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  int ready[2];
  char byte;
  pid_t child;
  int status;
  ssize_t got;

  if (argc < 2 || pipe2 (ready, O_CLOEXEC) != 0)
    return 2;
  child = fork ();
  if (child < 0)
    return 2;
  if (child == 0)
    {
      if (dup2 (ready[1], 3) < 0)
        _exit (127);
      execvp (argv[1], argv + 1);
      perror (argv[1]);
      _exit (127);
    }
  close (ready[1]);
  got = read (ready[0], &byte, 1);
  close (ready[0]);
  if (waitpid (child, &status, 0) < 0)
    return 2;
  return got == 1 ? 0 : 1;
}
