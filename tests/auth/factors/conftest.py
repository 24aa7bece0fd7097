from tests.auth.factors.steps import fresh_install

__all__ = ["fresh_install"]
