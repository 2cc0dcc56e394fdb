/* test_cvss.c - CVSS base scores and strict vector parsing.
 *
 * The expected scores are published ones: RedHat's python-cvss test lists (tests/vectors_*,
 * themselves checked against FIRST's calculators), for v4.0 also the anchors every v4
 * implementation agrees on. Where a vector carries threat, temporal, environmental or
 * supplemental metrics the expected value is the published *base* score, because that is
 * what vakt_cvss_score computes. The checksum test covers every base vector of every
 * version against sums taken from FIRST's calculators' arithmetic (see test_all_base).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cvss.h"

typedef struct scored {
	const char *vector;
	double base; /* published */
} scored;

static int tenths(double x)
{
	return (int)(x * 10.0 + (x < 0 ? -0.5 : 0.5));
}

static void check_scores(const scored *t, size_t n, vakt_cvss_version version)
{
	for (size_t i = 0; i < n; i++) {
		vakt_cvss c = {0};
		vakt_error *err = NULL;
		if (vakt_cvss_score(t[i].vector, &c, &err) != 0)
			fail_msg("%s: %s", t[i].vector,
				 err && err->msg ? err->msg : "(no message)");
		if (c.version != version)
			fail_msg("%s: version %d, expected %d", t[i].vector, c.version, version);
		if (tenths(c.base) != tenths(t[i].base))
			fail_msg("%s: %.1f, published %.1f", t[i].vector, c.base, t[i].base);
	}
}

#define CHECK_SCORES(table, version) check_scores(table, sizeof(table) / sizeof(table[0]), version)

/* ---- v3.1 ------------------------------------------------------------------------------- */

static const scored v31_published[] = {
	/* scope changed, PR:N */
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:L", 9.9},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:N", 9.3},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N", 8.6},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:L", 8.3},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:N/A:N", 4.7},
	/* scope unchanged */
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L", 9.4},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N", 8.2},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 7.3},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 6.5},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", 5.4},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N", 4.3},
	/* scope changed with PR:L and PR:H: the PR weights change with the scope */
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:N", 9.6},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:L", 9.1},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N", 7.7},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:L", 7.4},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N", 5.0},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:L", 8.9},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:L", 6.5},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:N/A:N", 4.1},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 9.1},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:L", 9.0},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:N/A:N", 6.8},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:L/A:L", 6.6},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:N/A:N", 4.1},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:L", 6.3},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 4.3},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H", 8.0},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L", 5.5},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 3.5},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:L", 6.7},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:L/A:L", 6.0},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N", 4.9},
	/* no impact: 0.0 whatever the rest */
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0.0},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:N/I:N/A:N", 0.0},
	/* any order (section 6), temporal and environmental metrics ignored */
	{"CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", 9.8},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U", 9.8},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/RL:X/RC:X/CR:X/IR:X/AR:X/MAV:X/"
	 "MAC:X/MPR:X/MUI:X/MS:X/MC:X/MI:X/MA:X",
	 9.8},
	{"CVSS:3.1/MA:N/AV:N/CR:L/AC:L/PR:L/MS:C/UI:N/S:C/C:H/E:F/I:H/A:H/MAV:P", 9.9},
};

static void test_v31_published(void **state)
{
	(void)state;
	CHECK_SCORES(v31_published, VAKT_CVSS_V31);
}

/* ---- v3.0 ------------------------------------------------------------------------------- */

static const scored v30_published[] = {
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 4.3},
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H", 6.1},
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 7.3},
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:L", 4.8},
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:R/S:C/C:L/I:N/A:N", 2.3},
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 6.6},
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N", 2.1},
	{"CVSS:3.0/AV:P/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 7.4},
	{"CVSS:3.0/AV:P/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 3.8},
	{"CVSS:3.0/AV:P/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 6.6},
	{"CVSS:3.0/AV:P/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 7.2},
	{"CVSS:3.0/AV:P/AC:L/PR:L/UI:R/S:C/C:L/I:N/A:N", 2.2},
	{"CVSS:3.0/AV:P/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L", 3.9},
	{"CVSS:3.0/AV:P/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 1.9},
	{"CVSS:3.0/AV:P/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 7.2},
	{"CVSS:3.0/AV:P/AC:L/PR:H/UI:N/S:C/C:L/I:N/A:N", 2.2},
	{"CVSS:3.0/AV:P/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N", 3.9},
	{"CVSS:3.0/AV:P/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N", 1.8},
	{"CVSS:3.0/AV:P/AC:L/PR:H/UI:R/S:C/C:H/I:H/A:H", 7.0},
	{"CVSS:3.0/AV:P/AC:L/PR:H/UI:R/S:C/C:L/I:N/A:N", 2.0},
	{"CVSS:3.0/AV:A/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:H", 8.2},
	{"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
	{"CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4},
	{"CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1},
	{"CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
	{"CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2},
	{"CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8},
	{"CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8},
	{"CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8},
	{"CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3},
	{"CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4},
	{"CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4},
	{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
	/* with temporal and environmental metrics: the published base score */
	{"CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/MC:N/MI:N/"
	 "MA:N",
	 4.6},
	{"CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/E:H/RL:W/RC:U/CR:H/IR:H/AR:M/MAV:L/MAC:L/"
	 "MPR:H/MUI:N/MS:C/MC:N/MI:H/MA:L",
	 5.8},
	{"CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/MPR:N", 5.8},
	{"CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L/E:U/RL:U/RC:R/CR:M/MPR:L/MUI:R/MI:N/MA:H",
	 7.7},
	{"CVSS:3.0/AV:L/AC:H/PR:H/UI:N/S:C/C:N/I:H/A:N/E:P/RL:U/RC:U/CR:H/IR:L/AR:H/MAV:L/MUI:R/"
	 "MS:C/MC:N/MI:L/MA:N",
	 5.3},
	/* FIRST's calculator output, in the order it was given (S first) */
	{"CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", 3.8},
	{"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/"
	 "MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
	 9.3},
};

static void test_v30_published(void **state)
{
	(void)state;
	CHECK_SCORES(v30_published, VAKT_CVSS_V30);
}

/* ---- v2.0 ------------------------------------------------------------------------------- */

static const scored v2_published[] = {
	{"AV:L/AC:H/Au:M/C:N/I:N/A:N", 0.0},
	{"AV:L/AC:H/Au:M/C:N/I:N/A:P", 0.8},
	{"AV:L/AC:H/Au:M/C:N/I:N/A:C", 3.7},
	{"AV:L/AC:H/Au:M/C:P/I:P/A:P", 3.4},
	{"AV:L/AC:H/Au:M/C:C/I:C/A:C", 5.9},
	{"AV:L/AC:H/Au:S/C:P/I:P/A:C", 5.0},
	{"AV:L/AC:H/Au:N/C:C/I:C/A:C", 6.2},
	{"AV:L/AC:M/Au:M/C:P/I:P/A:P", 3.8},
	{"AV:L/AC:M/Au:S/C:C/I:C/A:C", 6.6},
	{"AV:L/AC:M/Au:N/C:C/I:C/A:C", 6.9},
	{"AV:L/AC:L/Au:M/C:P/I:P/A:P", 4.0},
	{"AV:L/AC:L/Au:S/C:N/I:N/A:C", 4.6},
	{"AV:L/AC:L/Au:N/C:N/I:N/A:N", 0.0},
	{"AV:L/AC:L/Au:N/C:P/I:P/A:P", 4.6},
	{"AV:L/AC:L/Au:N/C:C/I:C/A:C", 7.2},
	{"AV:L/AC:L/Au:N/C:N/I:C/A:N", 4.9},
	{"AV:A/AC:H/Au:M/C:P/I:P/A:P", 3.7},
	{"AV:A/AC:H/Au:S/C:C/I:C/A:C", 6.5},
	{"AV:A/AC:H/Au:N/C:P/I:P/A:C", 5.8},
	{"AV:A/AC:M/Au:M/C:P/I:P/A:P", 4.5},
	{"AV:A/AC:M/Au:S/C:N/I:N/A:P", 2.3},
	{"AV:A/AC:M/Au:S/C:C/I:P/A:C", 7.0},
	{"AV:A/AC:L/Au:N/C:N/I:C/A:N", 6.1},
	{"AV:A/AC:L/Au:N/C:C/I:C/A:C", 8.3},
	{"AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3},
	{"AV:N/AC:L/Au:S/C:P/I:P/A:N", 5.5},
	{"AV:N/AC:L/Au:S/C:C/I:C/A:C", 9.0},
	{"AV:N/AC:M/Au:S/C:C/I:C/A:C", 8.5},
	{"AV:N/AC:M/Au:N/C:P/I:P/A:P", 6.8},
	{"AV:N/AC:M/Au:N/C:C/I:C/A:C", 9.3},
	{"AV:N/AC:L/Au:N/C:P/I:N/A:N", 5.0},
	{"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5},
	{"AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0},
	/* NVD's parenthesised form */
	{"(AV:N/AC:L/Au:N/C:P/I:P/A:P)", 7.5},
	{"(AV:L/AC:L/Au:N/C:C/I:C/A:C)", 7.2},
	/* temporal and environmental metrics, in the guide's order, some omitted */
	{"AV:L/AC:M/Au:S/C:N/I:P/A:C/E:U/RL:OF/RC:UR/CDP:N/TD:L/CR:H/IR:H/AR:H", 5.0},
	{"AV:N/AC:M/Au:M/C:C/I:N/A:P/RL:W/RC:UC/CDP:LM/TD:M/CR:L/IR:L/AR:L", 6.4},
	{"AV:L/AC:L/Au:S/C:P/I:P/A:P/E:U/RC:C/CDP:LM/TD:L/IR:H/AR:M", 4.3},
	{"AV:A/AC:M/Au:N/C:C/I:N/A:P/E:POC/RL:W/RC:UC", 6.4},
	{"AV:A/AC:H/Au:S/C:N/I:P/A:P/E:POC/RL:OF/RC:C/CDP:LM/TD:M/CR:M/IR:L/AR:L", 2.9},
	{"AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND/RL:ND/RC:ND/CDP:ND/TD:ND/CR:ND/IR:ND/AR:ND", 7.5},
};

static void test_v2_published(void **state)
{
	(void)state;
	CHECK_SCORES(v2_published, VAKT_CVSS_V2);
}

/* ---- v4.0 ------------------------------------------------------------------------------- */

static const scored v4_published[] = {
	/* the anchors */
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0},
	{"CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0},
	/* an exact x.x5 tie the doubles land just below: 8.6, where a bare round() gives 8.5 */
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 8.6},
	/* AV:N */
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L", 7.8},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N", 6.9},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H", 7.9},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:L/SC:N/SI:H/SA:N", 8.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L", 5.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 5.1},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:H/SI:N/SA:N", 8.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:H", 6.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:N", 5.1},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N", 4.8},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.5},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 2.1},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N", 2.3},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 1.8},
	{"CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L", 9.4},
	{"CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:H", 4.3},
	{"CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4.0},
	{"CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N", 9.5},
	/* AV:A */
	{"CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:N/VC:L/VI:N/VA:L/SC:L/SI:H/SA:H", 5.0},
	{"CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:P/VC:L/VI:N/VA:L/SC:N/SI:N/SA:L", 1.0},
	{"CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:L/SA:L", 7.7},
	{"CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:A/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N", 8.6},
	{"CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:A/VC:L/VI:L/VA:L/SC:N/SI:N/SA:H", 1.8},
	{"CVSS:4.0/AV:A/AC:H/AT:P/PR:H/UI:P/VC:H/VI:H/VA:N/SC:L/SI:N/SA:H", 6.8},
	/* AV:L */
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:L/SI:L/SA:H", 8.3},
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:L/SC:H/SI:N/SA:N", 9.2},
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:H/SA:L", 9.2},
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:A/VC:L/VI:L/VA:N/SC:L/SI:N/SA:L", 2.4},
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:L", 4.6},
	{"CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:P/VC:L/VI:N/VA:N/SC:N/SI:N/SA:L", 2.0},
	{"CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:L/VI:N/VA:N/SC:N/SI:L/SA:L", 1.0},
	{"CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:N/SA:L", 8.6},
	{"CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N", 1.8},
	/* AV:P */
	{"CVSS:4.0/AV:P/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:H/SA:N", 2.0},
	{"CVSS:4.0/AV:P/AC:L/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:H/SI:N/SA:L", 6.9},
	{"CVSS:4.0/AV:P/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:N/SA:L", 1.0},
	{"CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:H", 7.2},
	{"CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L", 5.4},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H", 7.2},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:L", 7.2},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:H/SA:H", 2.3},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 7.3},
};

static void test_v4_published(void **state)
{
	(void)state;
	CHECK_SCORES(v4_published, VAKT_CVSS_V40);
}

/* Threat, environmental and supplemental metrics are validated and ignored: the score is
 * CVSS-B. Where the published list gives a different number it is the BT/BE score, noted. */
static const scored v4_optional[] = {
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 7.3},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P", 7.3}, /* BT 5.9 */
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 7.3}, /* BT 4.1 */
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:U", 0.0},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:H", 7.3},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M",
	 7.3}, /* BE 5.5 */
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L",
	 7.3}, /* BE 5.4 */
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/CR:H/IR:M/AR:L", 0.0},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:N/AU:N/R:A/V:D/RE:L/"
	 "U:Clear",
	 7.3},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:N/AU:Y/R:I/V:C/RE:H/"
	 "U:Amber",
	 7.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/S:N/AU:Y/R:A/V:D/RE:M/"
	 "U:Red",
	 0.0},
	/* every group, every metric, in table 23's order: still the base 9.3 */
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/IR:L/AR:L/"
	 "MAV:P/MAC:H/MAT:P/MPR:H/MUI:A/MVC:N/MVI:N/MVA:N/MSC:N/MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/"
	 "RE:H/U:Green",
	 9.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/"
	 "MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/"
	 "RE:X/U:X",
	 9.3},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MVC:H/MSI:S", 0.0},
};

static void test_v4_optional_metrics(void **state)
{
	(void)state;
	CHECK_SCORES(v4_optional, VAKT_CVSS_V40);
}

/* ---- every base vector ----------------------------------------------------------------- */

typedef struct space {
	const char *prefix; /* "CVSS:3.1/" or "" */
	size_t n;
	const char *names[11];
	const char *values[11]; /* one character per value, in enumeration order */
	vakt_cvss_version version;
	unsigned count;
	unsigned long sum;
	uint32_t weighted; /* sum of index x tenths, mod 2^32 */
} space;

/* Every base vector of a version, enumerated with the last metric varying fastest; the
 * count, the sum of the scores in tenths and the index-weighted sum were taken from
 * FIRST's calculators' own double arithmetic (cvsscalc30.js, cvsscalc31.js, the v2
 * equations, cvss_score.js with its 1e-6 rounding nudge) over the same enumeration. */
static const space spaces[] = {
	{"",
	 6,
	 {"AV", "AC", "Au", "C", "I", "A"},
	 {"LAN", "HML", "MSN", "NPC", "NPC", "NPC"},
	 VAKT_CVSS_V2,
	 729,
	 38007,
	 15245197},
	{"CVSS:3.0/",
	 8,
	 {"AV", "AC", "PR", "UI", "S", "C", "I", "A"},
	 {"NALP", "LH", "NLH", "NR", "UC", "HLN", "HLN", "HLN"},
	 VAKT_CVSS_V30,
	 2592,
	 142706,
	 172562797},
	{"CVSS:3.1/",
	 8,
	 {"AV", "AC", "PR", "UI", "S", "C", "I", "A"},
	 {"NALP", "LH", "NLH", "NR", "UC", "HLN", "HLN", "HLN"},
	 VAKT_CVSS_V31,
	 2592,
	 142706,
	 172562797},
	{"CVSS:4.0/",
	 11,
	 {"AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"},
	 {"NALP", "LH", "NP", "NLH", "NPA", "HLN", "HLN", "HLN", "HLN", "HLN", "HLN"},
	 VAKT_CVSS_V40,
	 104976,
	 5964883,
	 1064988686},
};

static void test_all_base(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(spaces) / sizeof(spaces[0]); s++) {
		const space *sp = &spaces[s];
		size_t idx[11] = {0};
		unsigned count = 0;
		unsigned long sum = 0;
		uint32_t weighted = 0;
		for (;;) {
			char v[128], rev[128];
			int o = snprintf(v, sizeof(v), "%s", sp->prefix);
			for (size_t m = 0; m < sp->n; m++)
				o += snprintf(v + o, sizeof(v) - (size_t)o, "%s%s:%c", m ? "/" : "",
					      sp->names[m], sp->values[m][idx[m]]);
			vakt_cvss c = {0};
			vakt_error *err = NULL;
			if (vakt_cvss_score(v, &c, &err) != 0)
				fail_msg("%s: %s", v, err ? err->msg : "?");
			assert_int_equal(c.version, sp->version);
			int t = tenths(c.base);
			if (t < 0 || t > 100 || c.base * 10.0 != (double)t)
				fail_msg("%s: %.17g is not a score", v, c.base);
			sum += (unsigned long)t;
			weighted += (uint32_t)count * (uint32_t)t;
			count++;

			if (sp->version == VAKT_CVSS_V30 || sp->version == VAKT_CVSS_V31) {
				/* v3 accepts any order: the same vector reversed scores the same */
				o = snprintf(rev, sizeof(rev), "%s", sp->prefix);
				for (size_t m = sp->n; m-- > 0;)
					o += snprintf(rev + o, sizeof(rev) - (size_t)o, "%s%s:%c",
						      m + 1 < sp->n ? "/" : "", sp->names[m],
						      sp->values[m][idx[m]]);
				vakt_cvss r = {0};
				assert_int_equal(vakt_cvss_score(rev, &r, NULL), 0);
				assert_int_equal(tenths(r.base), t);
			}

			size_t k = sp->n;
			while (k > 0 && sp->values[k - 1][++idx[k - 1]] == '\0')
				idx[--k] = 0;
			if (k == 0)
				break;
		}
		if (count != sp->count || sum != sp->sum || weighted != sp->weighted)
			fail_msg("%s: %u vectors, sum %lu, weighted %u; expected %u, %lu, %u",
				 sp->prefix[0] ? sp->prefix : "v2", count, sum, weighted, sp->count,
				 sp->sum, sp->weighted);
	}
}

/* ---- malformed vectors ------------------------------------------------------------------ */

typedef struct malformed {
	const char *vector;
	const char *message; /* a substring of the error message */
} malformed;

#define V31 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
#define V40 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
#define V2  "AV:N/AC:L/Au:N/C:P/I:P/A:P"

static const malformed malformed_vectors[] = {
	{"", "CVSS vector is empty"},
	/* the message names the version and the metric */
	{"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	 "CVSS:3.1 vector: unknown value 'X' for AV"},
	{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q",
	 "CVSS:3.0 vector: unknown value 'Q' for A"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
	 "CVSS:4.0 vector: unknown value 'S' for SI"}, /* S only in MSI, MSA */
	{"AV:N/AC:L/Au:N/C:P/I:P/A:X", "CVSS v2 vector: unknown value 'X' for A"},
	{V2 "/E:X", "unknown value 'X' for E"}, /* v2 says ND */
	{V31 "/E:ND", "unknown value 'ND' for E"},
	{V40 "/E:Z", "unknown value 'Z' for E"},
	{V40 "/U:clear", "unknown value 'clear' for U"},
	/* duplicates */
	{V31 "/AV:N", "CVSS:3.1 vector: metric AV given twice"},
	{V31 "/E:X/E:X", "metric E given twice"},
	{V40 "/AV:P", "metric AV given twice"},
	{V2 "/AV:L", "metric AV given twice"},
	/* missing base metrics */
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "CVSS:3.1 vector: missing base metric A"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:H", "missing base metric S"},
	{"CVSS:4.0/AV:N/AC:L", "missing base metrics AT, PR, UI, VC, VI, VA, SC, SI, SA"},
	{"AV:N/AC:L/Au:N/C:P/I:P", "CVSS v2 vector: missing base metric A"},
	{"AC:L/Au:N/C:P/I:P/A:P", "CVSS v2 vector: missing base metric AV"},
	{"CVSS:3.1/E:X", "missing base metrics AV, AC, PR, UI, S, C, I, A"},
	/* order: fixed by v2.0 and v4.0 */
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N",
	 "CVSS:4.0 vector: metric VI after SC, out of the order"},
	{V40 "/CR:H/E:A", "metric E after CR"},
	{V40 "/U:Red/S:N", "metric S after U"},
	{"AC:L/AV:N/Au:N/C:P/I:P/A:P", "CVSS v2 vector: metric AV after AC"},
	{V2 "/RC:C/E:F", "metric E after RC"},
	/* prefixes */
	{"cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown prefix 'cvss:3.1'"},
	{"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown prefix 'CVSS:3.2'"},
	{"CVSS:2.0/" V2, "unknown prefix 'CVSS:2.0'"},
	{"CVSS:3/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown prefix 'CVSS:3'"},
	{"CVSS:4.0", "CVSS:4.0 vector: no metrics"},
	{"CVSS:3.1/", "CVSS:3.1 vector: no metrics"},
	{"CVSS", "unknown prefix 'CVSS'"},
	{"CVSS:3.0/" V2, "CVSS:3.0 vector: unknown metric 'Au'"},
	{"CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	 "CVSS:3.1 vector: unknown metric 'AT'"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/UI:N/PR:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	 "CVSS:4.0 vector: metric PR after UI"},
	/* a v3 body under the v4 prefix: S is v4's Safety, which has no U */
	{"CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	 "CVSS:4.0 vector: unknown value 'U' for S"},
	{"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS v2 vector: unknown metric 'PR'"},
	/* case */
	{"CVSS:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:h/i:h/a:h", "unknown metric 'av'"},
	{"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value 'n' for AV"},
	{"av:n/ac:l/au:n/c:p/i:p/a:p", "CVSS v2 vector: unknown metric 'av'"},
	{"AV:N/AC:L/AU:N/C:P/I:P/A:P", "unknown metric 'AU'"},
	/* separators */
	{V31 "/", "CVSS:3.1 vector: trailing '/'"},
	{V40 "/", "CVSS:4.0 vector: trailing '/'"},
	{V2 "/", "CVSS v2 vector: trailing '/'"},
	{"CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty metric"},
	{"CVSS:3.1/AV:N/AC:L//PR:N/UI:N/S:U/C:H/I:H/A:H", "empty metric"},
	{"/" V2, "CVSS v2 vector: empty metric"},
	{"CVSS:3.1/AV/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	 "malformed metric 'AV' (expected NAME:VALUE)"},
	{"CVSS:3.1/AV:N:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value 'N:N' for AV"},
	{"CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value '' for AV"},
	{"CVSS:3.1/:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric ''"},
	{V31 " ", "unknown value 'H ' for A"},
	{" " V31, "CVSS v2 vector: unknown metric ' CVSS'"},
	{V31 "\n", "unknown value 'H\\x0a' for A"},
	{"CVSS:3.1/AV:N,AC:L,PR:N,UI:N,S:U,C:H,I:H,A:H",
	 "unknown value 'N,AC:L,PR:N,UI:N,S:U,C:H...' for AV"},
	{"CVSS:3.1 AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown prefix 'CVSS:3.1 AV:N'"},
	/* v2 parentheses */
	{"(" V2, "CVSS v2 vector: '(' without a closing ')'"},
	{V2 ")", "unknown value 'P)' for A"},
	{"()", "CVSS v2 vector: no metrics"},
	{"(", "'(' without a closing ')'"},
	{"((" V2 "))", "unknown metric '(AV'"},
	/* hostile bytes are escaped and cut in the message */
	{"CVSS:3.1/AV:\x1b[31mN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	 "unknown value '\\x1b[31mN' for AV"},
	{"CVSS:3.1/AV:NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN/AC:L/PR:N/UI:N/S:U/C:H/I:H/"
	 "A:H",
	 "unknown value 'NNNNNNNNNNNNNNNNNNNNNNNN...' for AV"},
	{"CVSS:3.1/AV:'/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value '\\x27' for AV"},
	{"\xff\xfe", "malformed metric '\\xff\\xfe'"},
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(malformed_vectors) / sizeof(malformed_vectors[0]); i++) {
		const malformed *m = &malformed_vectors[i];
		vakt_cvss c = {.version = VAKT_CVSS_V40, .base = 4.2};
		vakt_error *err = NULL;
		int r = vakt_cvss_score(m->vector, &c, &err);
		if (r != VAKT_E_PARSE)
			fail_msg("'%s' gave %d, not VAKT_E_PARSE", m->vector, r);
		if (!err || !err->msg)
			fail_msg("'%s': no message", m->vector);
		if (!strstr(err->msg, m->message))
			fail_msg("'%s': message \"%s\" lacks \"%s\"", m->vector, err->msg,
				 m->message);
		if (strchr(err->msg, '\n') || strchr(err->msg, '\x1b'))
			fail_msg("'%s': message carries a control character", m->vector);
		/* *ret is left alone on failure */
		assert_int_equal(c.version, VAKT_CVSS_V40);
		assert_int_equal(tenths(c.base), 42);
		vakt_error_free(err);
	}
}

/* The exact text the brief promises, for one case of each kind. */
static void test_messages_exact(void **state)
{
	(void)state;
	static const malformed exact[] = {
		{"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		 "CVSS:3.1 vector: unknown value 'X' for AV"},
		{V31 "/AV:N", "CVSS:3.1 vector: metric AV given twice"},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
		 "CVSS:4.0 vector: missing base metric SA"},
		{"CVSS:9.9/AV:N", "CVSS vector: unknown prefix 'CVSS:9.9' (expected CVSS:3.0, "
				  "CVSS:3.1, CVSS:4.0, or a v2 vector without one)"},
	};
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		vakt_error *err = NULL;
		assert_int_equal(vakt_cvss_score(exact[i].vector, NULL, &err), VAKT_E_PARSE);
		assert_non_null(err);
		assert_string_equal(err->msg, exact[i].message);
		vakt_error_free(err);
	}
}

static void test_long_vectors(void **state)
{
	(void)state;
	size_t n = 10 * 1024;
	char *s = malloc(n + 1);
	assert_non_null(s);

	/* 10 kB of one byte */
	memset(s, 'A', n);
	s[n] = '\0';
	vakt_error *err = NULL;
	assert_int_equal(vakt_cvss_score(s, NULL, &err), VAKT_E_PARSE);
	assert_non_null(strstr(err->msg, "longer than 256 bytes"));
	vakt_error_free(err);
	err = NULL;

	/* a valid vector followed by 10 kB of valid-looking metrics */
	size_t o = (size_t)snprintf(s, n + 1, "%s", V31);
	while (o + 5 <= n)
		o += (size_t)snprintf(s + o, n + 1 - o, "/E:X");
	assert_int_equal(vakt_cvss_score(s, NULL, &err), VAKT_E_PARSE);
	assert_non_null(strstr(err->msg, "longer than 256 bytes"));
	vakt_error_free(err);
	err = NULL;

	/* a 10 kB unknown value: too long before it is looked at */
	o = (size_t)snprintf(s, n + 1, "CVSS:3.1/AV:");
	memset(s + o, 'N', n - o);
	s[n] = '\0';
	assert_int_equal(vakt_cvss_score(s, NULL, &err), VAKT_E_PARSE);
	vakt_error_free(err);
	free(s);

	/* the longest valid vector fits */
	vakt_cvss c;
	const char *longest = V40 "/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/"
				  "MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:Clear";
	assert_int_equal(vakt_cvss_score(longest, &c, NULL), 0);
	assert_int_equal(tenths(c.base), 93);
}

static void test_api_edges(void **state)
{
	(void)state;
	vakt_error *err = NULL;
	vakt_cvss c = {.version = VAKT_CVSS_V2, .base = 1.0};
	assert_int_equal(vakt_cvss_score(NULL, &c, &err), VAKT_E_PARSE);
	assert_non_null(err);
	assert_string_equal(err->msg, "CVSS vector is empty");
	vakt_error_free(err);
	assert_int_equal(tenths(c.base), 10);

	/* err and ret may be NULL */
	assert_int_equal(vakt_cvss_score("CVSS:3.1/AV:N", NULL, NULL), VAKT_E_PARSE);
	assert_int_equal(vakt_cvss_score(V31, NULL, NULL), 0);

	/* the first error is kept: an err already set is not overwritten */
	err = NULL;
	assert_int_equal(vakt_cvss_score("x", NULL, &err), VAKT_E_PARSE);
	vakt_error *first = err;
	assert_int_equal(vakt_cvss_score("y", NULL, &err), VAKT_E_PARSE);
	assert_ptr_equal(err, first);
	vakt_error_free(err);
}

/* ---- severities ------------------------------------------------------------------------- */

static void test_severity(void **state)
{
	(void)state;
	static const struct {
		vakt_cvss_version version;
		double base;
		vakt_severity want;
	} t[] = {
		{VAKT_CVSS_V31, 0.0, VAKT_SEV_INFO},
		{VAKT_CVSS_V31, 0.1, VAKT_SEV_LOW},
		{VAKT_CVSS_V31, 3.9, VAKT_SEV_LOW},
		{VAKT_CVSS_V31, 4.0, VAKT_SEV_MEDIUM},
		{VAKT_CVSS_V31, 6.9, VAKT_SEV_MEDIUM},
		{VAKT_CVSS_V31, 7.0, VAKT_SEV_HIGH},
		{VAKT_CVSS_V31, 8.9, VAKT_SEV_HIGH},
		{VAKT_CVSS_V31, 9.0, VAKT_SEV_CRITICAL},
		{VAKT_CVSS_V31, 10.0, VAKT_SEV_CRITICAL},
		{VAKT_CVSS_V30, 0.0, VAKT_SEV_INFO},
		{VAKT_CVSS_V30, 9.8, VAKT_SEV_CRITICAL},
		{VAKT_CVSS_V30, 5.5, VAKT_SEV_MEDIUM},
		{VAKT_CVSS_V40, 0.0, VAKT_SEV_INFO},
		{VAKT_CVSS_V40, 0.1, VAKT_SEV_LOW},
		{VAKT_CVSS_V40, 3.9, VAKT_SEV_LOW},
		{VAKT_CVSS_V40, 4.0, VAKT_SEV_MEDIUM},
		{VAKT_CVSS_V40, 6.9, VAKT_SEV_MEDIUM},
		{VAKT_CVSS_V40, 7.0, VAKT_SEV_HIGH},
		{VAKT_CVSS_V40, 8.9, VAKT_SEV_HIGH},
		{VAKT_CVSS_V40, 9.0, VAKT_SEV_CRITICAL},
		{VAKT_CVSS_V40, 10.0, VAKT_SEV_CRITICAL},
		{VAKT_CVSS_V2, 0.0, VAKT_SEV_LOW},
		{VAKT_CVSS_V2, 3.9, VAKT_SEV_LOW},
		{VAKT_CVSS_V2, 4.0, VAKT_SEV_MEDIUM},
		{VAKT_CVSS_V2, 6.9, VAKT_SEV_MEDIUM},
		{VAKT_CVSS_V2, 7.0, VAKT_SEV_HIGH},
		{VAKT_CVSS_V2, 10.0, VAKT_SEV_HIGH},
		{VAKT_CVSS_V31, -0.1, VAKT_SEV_UNKNOWN},
		{VAKT_CVSS_V31, 10.1, VAKT_SEV_UNKNOWN},
		{(vakt_cvss_version)42, 5.0, VAKT_SEV_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		vakt_cvss c = {.version = t[i].version, .base = t[i].base};
		if (vakt_cvss_severity(&c) != t[i].want)
			fail_msg("version %d, %.1f: %s, expected %s", t[i].version, t[i].base,
				 vakt_severity_name(vakt_cvss_severity(&c)),
				 vakt_severity_name(t[i].want));
	}
	assert_int_equal(vakt_cvss_severity(NULL), VAKT_SEV_UNKNOWN);
	vakt_cvss nan = {.version = VAKT_CVSS_V31, .base = NAN};
	assert_int_equal(vakt_cvss_severity(&nan), VAKT_SEV_UNKNOWN);

	/* from real vectors */
	static const struct {
		const char *vector;
		vakt_severity want;
	} v[] = {
		{V31, VAKT_SEV_CRITICAL},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", VAKT_SEV_INFO},
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", VAKT_SEV_LOW}, /* 3.5 */
		{V40, VAKT_SEV_CRITICAL},					/* 9.3 */
		{"CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N",
		 VAKT_SEV_MEDIUM},
		{V2, VAKT_SEV_HIGH},				 /* 7.5 */
		{"AV:L/AC:H/Au:M/C:N/I:N/A:N", VAKT_SEV_LOW},	 /* 0.0 */
		{"AV:N/AC:M/Au:N/C:N/I:P/A:N", VAKT_SEV_MEDIUM}, /* 4.3 */
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		vakt_cvss c;
		assert_int_equal(vakt_cvss_score(v[i].vector, &c, NULL), 0);
		if (vakt_cvss_severity(&c) != v[i].want)
			fail_msg("%s (%.1f): %s", v[i].vector, c.base,
				 vakt_severity_name(vakt_cvss_severity(&c)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v31_published),
		cmocka_unit_test(test_v30_published),
		cmocka_unit_test(test_v2_published),
		cmocka_unit_test(test_v4_published),
		cmocka_unit_test(test_v4_optional_metrics),
		cmocka_unit_test(test_all_base),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_messages_exact),
		cmocka_unit_test(test_long_vectors),
		cmocka_unit_test(test_api_edges),
		cmocka_unit_test(test_severity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
