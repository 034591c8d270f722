/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The one place the version is written (CLI --version, report, Done screen). */
#define UW_VERSION "0.1.0"
