"""Services of the transfer app: moving data between the database and the engine.

``dues_inputs()`` and ``achievement_frame()`` are what `kechuang transfer dues` and `kechuang transfer
match` read when no files are given (the database mode).
"""

from kechuang.transfer.services.achievements import achievement_frame
from kechuang.transfer.services.licences import dues_inputs

__all__ = ["achievement_frame", "dues_inputs"]
