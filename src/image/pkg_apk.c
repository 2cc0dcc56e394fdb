/* pkg_apk.c - placeholder until this part lands. */
