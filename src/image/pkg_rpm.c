/* pkg_rpm.c - placeholder until this part lands. */
