/* pkg_dpkg.c - placeholder until this part lands. */
