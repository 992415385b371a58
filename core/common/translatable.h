#pragma once
// Marks a user-visible string of the core for translation without using Qt:
// SIEVE_TR(context, text) is the text itself here; Qt's lupdate reads it as
// QT_TRANSLATE_NOOP (translations/CMakeLists.txt aliases the name), and the
// widgets translate it at run time with QCoreApplication::translate(context, text).
#define SIEVE_TR(context, text) text
