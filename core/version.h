/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The one place the version is written (CLI --version, report, Done screen). */
#define UW_VERSION "0.1.0"

/*
 * Where `make install` puts the binary: $(sbindir), from the Makefile
 * (PREFIX=/usr/local by default; /usr/sbin in the Debian package).
 */
#ifndef UW_SBINDIR
#define UW_SBINDIR "/usr/local/sbin"
#endif
#define UW_INSTALLED_BIN UW_SBINDIR "/usbnet-wizard"
