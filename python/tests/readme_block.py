"""The ```python block of the project README's "From Python" section (what test_readme and test_wheel execute)."""
import re
from pathlib import Path


def readme_block(readme):
    text = Path(readme).read_text()
    section = text[text.index("## From Python"):]
    section = section[: section.index("\n## ", 3)]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)
