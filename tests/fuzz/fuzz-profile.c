// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer entry for the "profile" target (body in tests/fuzz/targets.h). */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return uw_fuzz_profile(data, size);
}
