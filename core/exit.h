/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Documented exit statuses (docs/usbnet-wizard.8, --help). */
enum uw_exit {
	UW_EXIT_OK = 0,        /* done / all checks passed */
	UW_EXIT_FAIL = 1,      /* the operation failed (and was rolled back) or a check failed */
	UW_EXIT_USAGE = 2,     /* bad command line or bad input; nothing was changed */
	UW_EXIT_NOPERM = 3,    /* root is needed; nothing was changed */
	UW_EXIT_NOTFOUND = 4,  /* no phone interface found / nothing to revert */
	UW_EXIT_BUSY = 5,      /* another usbnet-wizard holds the lock */
};
