"""maggy's ablation studies (``from maggy.ablation import AblationStudy``), run by
``experiment.lagom(train_fn, AblationConfig(ablation_study=study))``."""

from . import ablationstudy
from .ablationstudy import AblationStudy

__all__ = ["AblationStudy", "ablationstudy"]
