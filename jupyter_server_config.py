"""JupyterLab settings for this project (``make lab`` loads this file).

Saving a notebook strips its outputs and execution counts, so an analyst can run and save the
section notebooks all day and ``git status`` stays clean: the report is the place for outputs.
"""

from helpers.season.notebook_hygiene import strip_on_save

c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file
c.FileContentsManager.pre_save_hook = strip_on_save
