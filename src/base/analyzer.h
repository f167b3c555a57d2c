/* analyzer.h — narrow suppressions of gcc -fanalyzer false positives (make analyze): each
 * use is commented with why the finding is wrong. Other compilers (clang) see nothing. */
#ifndef PORTIER_BASE_ANALYZER_H
#define PORTIER_BASE_ANALYZER_H

#if defined(__GNUC__) && !defined(__clang__)
#define ANALYZER_PRAGMA(x) _Pragma(#x)
/* Silences the analyzer warning w (a string such as "-Wanalyzer-malloc-leak") until
 * ANALYZER_END. */
#define ANALYZER_IGNORE(w) \
	_Pragma("GCC diagnostic push") ANALYZER_PRAGMA(GCC diagnostic ignored w)
#define ANALYZER_END _Pragma("GCC diagnostic pop")
#else
#define ANALYZER_IGNORE(w)
#define ANALYZER_END
#endif

#endif
