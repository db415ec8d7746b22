"""maggy's ablation studies (``from maggy.ablation import AblationStudy``): not in HopsML
Lab yet. Importing works; constructing a study raises, naming what to use instead."""

from . import ablationstudy
from .ablationstudy import AblationStudy

__all__ = ["AblationStudy", "ablationstudy"]
