"""The errors REST routes raise beyond pasi.errors, re-exported from pasi.server.errors.

Routes raise the same errors the CLI prints (their messages already name the field and
value); the app's handlers (pasi.server.errors) turn each into JSON with the status that fits,
409, 413 and 415 included.
"""

from pasi.server.errors import ConflictError, FieldError, TooLargeError, UnsupportedFileError

__all__ = ["ConflictError", "FieldError", "TooLargeError", "UnsupportedFileError"]
