/* Run as a Flatpak app and under fauxpak alike: prints the sandbox's
 * /.flatpak-info, then, for each PATH argument, whether the app can read
 * it. Static (a hand-made runtime has no libc), so only libc. */
#include <stdio.h>

int
main (int argc, char **argv)
{
  FILE *info = fopen ("/.flatpak-info", "r");
  int c;

  if (info == NULL)
    {
      perror ("/.flatpak-info");
      return 1;
    }
  while ((c = fgetc (info)) != EOF)
    putchar (c);
  fclose (info);
  printf ("\n[Probe]\n");
  for (int i = 1; i < argc; i++)
    {
      FILE *file = fopen (argv[i], "r");

      printf ("%s=%s\n", argv[i], file ? "readable" : "absent");
      if (file)
        fclose (file);
    }
  return 0;
}
