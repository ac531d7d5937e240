"""kechuang (科创): the platform through which a city runs its science and technology innovation plan."""

__version__ = "0.1.0"
