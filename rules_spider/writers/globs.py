"""Which project files a technology's rules are about (glob patterns).

Each list starts with a project file that marks the technology and does not
begin with ``*``: Cursor reads ``globs`` with a line-splitting parser that keeps
quote characters, so the value must stay unquoted, and an unquoted YAML value
may not start with ``*`` (an alias). Leading with ``pyproject.toml`` keeps the
whole comma-separated string valid YAML *and* unquoted. The leading patterns
only add matches (they are all files of that technology), they never narrow
the ``**/*.ext`` patterns that follow.

Unknown technologies have no globs; writers then fall back to a description
the assistant matches against the task instead.
"""

from __future__ import annotations

TECHNOLOGY_GLOBS: dict[str, tuple[str, ...]] = {
    "python": ("pyproject.toml", "**/*.py", "**/*.pyi", "**/requirements*.txt"),
    "javascript": ("package.json", "**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"),
    "typescript": ("tsconfig.json", "**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"),
    "go": ("go.mod", "**/*.go", "**/go.mod"),
    "rust": ("Cargo.toml", "**/*.rs", "**/Cargo.toml"),
    "java": ("pom.xml", "**/*.java", "**/pom.xml", "**/build.gradle"),
    "kotlin": ("build.gradle.kts", "**/*.kt", "**/*.kts"),
    "csharp": ("Directory.Build.props", "**/*.cs", "**/*.csproj", "**/*.sln"),
    "ruby": ("Gemfile", "**/*.rb", "**/*.rake", "**/*.gemspec"),
    "php": ("composer.json", "**/*.php"),
    "swift": ("Package.swift", "**/*.swift"),
    "sql": ("migrations/**/*.sql", "**/*.sql"),
    "css": ("src/**/*.css", "**/*.css", "**/*.scss", "**/*.sass", "**/*.less"),
    "shell": ("scripts/**/*.sh", "**/*.sh", "**/*.bash", "**/*.zsh"),
    "docker": (
        "Dockerfile",
        "**/Dockerfile",
        "**/Dockerfile.*",
        "**/*.dockerfile",
        "**/compose*.yaml",
        "**/compose*.yml",
        "**/docker-compose*.yaml",
        "**/docker-compose*.yml",
        "**/.dockerignore",
    ),
    "kubernetes": (
        "kustomization.yaml",
        "**/kustomization.yaml",
        "**/Chart.yaml",
        "**/values*.yaml",
        "**/k8s/**/*.yaml",
        "**/kubernetes/**/*.yaml",
        "**/manifests/**/*.yaml",
        "**/templates/**/*.yaml",
    ),
    "terraform": ("main.tf", "**/*.tf", "**/*.tfvars", "**/*.tf.json", "**/.terraform.lock.hcl"),
    "aws": (
        "template.yaml",
        "**/template.yaml",
        "**/template.yml",
        "**/samconfig.toml",
        "**/cdk.json",
        "**/serverless.yml",
        "**/buildspec.yml",
    ),
    "gcp": ("app.yaml", "**/app.yaml", "**/cloudbuild.yaml", "**/cloudbuild.yml", "**/.gcloudignore"),
    "azure": (
        "azure.yaml",
        "**/azure.yaml",
        "**/azure-pipelines.yml",
        "**/*.bicep",
        "**/host.json",
        "**/azuredeploy.json",
    ),
    "ml": ("dvc.yaml", "**/*.ipynb", "**/*.py", "**/dvc.yaml", "**/params.yaml", "**/MLproject"),
}

# Other spellings catalogs use for the same technology.
ALIASES: dict[str, str] = {
    "py": "python",
    "js": "javascript",
    "node": "javascript",
    "nodejs": "javascript",
    "ts": "typescript",
    "golang": "go",
    "rs": "rust",
    "c#": "csharp",
    "cs": "csharp",
    "dotnet": "csharp",
    ".net": "csharp",
    "rb": "ruby",
    "k8s": "kubernetes",
    "bash": "shell",
    "sh": "shell",
    "scss": "css",
    "tf": "terraform",
    "google-cloud": "gcp",
    "machine-learning": "ml",
    "machine_learning": "ml",
    "ml_ai": "ml",
    "ai": "ml",
}


def canonical_technology(technology: str) -> str:
    key = technology.strip().lower()
    return ALIASES.get(key, key)


def globs_for(technology: str) -> tuple[str, ...]:
    """Glob patterns for ``technology`` (case-insensitive, aliases known); () if unknown."""
    return TECHNOLOGY_GLOBS.get(canonical_technology(technology), ())
