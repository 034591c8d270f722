// SPDX-License-Identifier: GPL-2.0-or-later
/* Entry point: with no command, the wizard; with a command, the CLI. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--version")))
		printf("usbnet-wizard 0.1\n");
	return 0;
}
