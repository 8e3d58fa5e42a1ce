"""Config validation: every section is checked against its options dataclass or its factory's
signature when the pipeline is built, before any model loads; messages name the section and key."""

from __future__ import annotations

import dataclasses
import inspect
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scenarios import registry as registry_module
from scenarios.cli import cli
from scenarios.clusterers import clusterers
from scenarios.config import Config, load_config
from scenarios.embedders import embedders
from scenarios.errors import ComponentError, ConfigError, ScenariosError
from scenarios.lemmatisers import Lemmatiser, lemmatisers
from scenarios.pipeline import build_pipeline
from scenarios.registry import Registry
from scenarios.representations import Representation
from scenarios.stages.cluster import ClusterOptions
from scenarios.stages.describe import CompanyOptions, DescribeOptions
from scenarios.stages.lemmatise import lemmatise
from scenarios.store import Store

ROOT = Path(__file__).resolve().parent.parent

# Each options dataclass and the config sections that hold its fields.
OPTION_SECTIONS = [
    (ClusterOptions, ("cluster",)),
    (Representation, ("cluster", "representation")),
    (DescribeOptions, ("describe",)),
    (CompanyOptions, ("companies",)),
]


def _nest(path: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    """`{"cluster": {"representation": values}}` for path ("cluster", "representation")."""
    for key in reversed(path[1:]):
        values = {key: values}
    return {path[0]: values}


def _toml_default(field: dataclasses.Field[Any]) -> Any:
    """The field's default as a TOML file could write it, or None when TOML cannot (None, objects)."""
    value = field.default if field.default is not dataclasses.MISSING else (
        field.default_factory() if field.default_factory is not dataclasses.MISSING else None)
    if isinstance(value, tuple):
        value = list(value)
    return value if isinstance(value, (bool, int, float, str, list)) else None


def _settable(cls: type) -> list[dataclasses.Field[Any]]:
    fixed = {"companies", "kinds"} if cls is DescribeOptions else set()
    return [f for f in dataclasses.fields(cls) if f.init and f.name not in fixed]


@pytest.mark.parametrize(("cls", "path"), OPTION_SECTIONS, ids=lambda v: getattr(v, "__name__", None))
def test_every_option_is_reachable_from_its_section_and_a_typo_of_it_is_refused(cls: type, path: tuple[str, ...]) -> None:
    section = ".".join(path)
    for field in _settable(cls):
        value = _toml_default(field)
        if value is None:
            continue
        pipeline = build_pipeline(Config(_nest(path, {field.name: value})))
        options: Any = {"cluster": pipeline.cluster_options, "describe": pipeline.describe_options,
                        "companies": pipeline.describe_options.companies}[path[0]]
        for step in path[1:]:
            options = getattr(options, step)
        got = getattr(options, field.name)
        assert got == (tuple(value) if isinstance(got, tuple) else value), field.name
        typo = field.name[:-1] + "x" + field.name[-1]
        with pytest.raises(ConfigError) as caught:
            build_pipeline(Config(_nest(path, {typo: value})))
        message = str(caught.value)
        assert f"[{section}]" in message and f"«{typo}»" in message and field.name in message


@pytest.mark.parametrize(("cls", "path"), OPTION_SECTIONS, ids=lambda v: getattr(v, "__name__", None))
def test_a_value_of_the_wrong_type_is_refused_naming_the_key(cls: type, path: tuple[str, ...]) -> None:
    for field in _settable(cls):
        value = _toml_default(field)
        if value is None or isinstance(value, str):
            continue
        wrong = "да" if not isinstance(value, list) else {"a": 1}
        with pytest.raises(ConfigError, match=rf"\[{'.'.join(path)}\].*«{field.name}»"):
            build_pipeline(Config(_nest(path, {field.name: wrong})))


FAMILIES = [("lemmatiser", lemmatisers), ("embedder", embedders), ("clusterer", clusterers)]


@pytest.mark.parametrize(("family", "registry"), FAMILIES, ids=[f for f, _ in FAMILIES])
def test_every_component_parameter_is_checked_against_its_constructor(family: str, registry: Registry[Any]) -> None:
    for name in registry.names():
        if name == "st":
            continue  # takes its model from the spec (st:<model>), checked below
        factory = registry.factory(name)
        for parameter in inspect.signature(factory).parameters.values():
            default = parameter.default
            if isinstance(default, tuple):
                default = list(default)
            if default is parameter.empty or not isinstance(default, (bool, int, float, str, list)):
                continue
            assert registry.check(name, {parameter.name: default}, family) == {
                parameter.name: tuple(default) if isinstance(parameter.default, tuple) else default}
            with pytest.raises(ConfigError, match=rf"\[{family}\] нет параметра «{parameter.name}_»"):
                build_pipeline(Config({family: {"name": name, f"{parameter.name}_": default}}))


def test_the_demo_config_and_the_documented_example_are_valid(tmp_path: Path) -> None:
    demo = build_pipeline(load_config(ROOT / "corpus" / "scenarios.toml"))
    assert demo.describe_options.companies.own == "Банк Ладья"
    assert "Ладья" in demo.describe_options.companies.own_aliases
    docs = (ROOT / "docs" / "stages.md").read_text(encoding="utf-8")
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "scenarios.toml"
    path.write_text(example, encoding="utf-8")
    built = build_pipeline(load_config(path))
    assert built.choices["clusterer"].params["resolution"] == 3.0
    assert built.cluster_options.representation.lexical_weight == 1.5


def test_max_fit_and_representation_from_a_file_reach_the_run_options(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.toml"
    path.write_text("[cluster]\nmax_fit = 5\nrepresentation = {pca_dims = 10, lexical_weight = 0}\n",
                    encoding="utf-8")
    options = build_pipeline(load_config(path)).cluster_options
    assert options.max_fit == 5
    assert options.representation == Representation(pca_dims=10, lexical_weight=0.0)
    assert isinstance(options.representation.lexical_weight, float)


def test_a_misnamed_representation_key_is_a_message_not_a_traceback(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "scenarios.toml"
    path.write_text("[cluster]\nrepresentation = {pca = 10}\n", encoding="utf-8")
    result = runner.invoke(cli, ["cluster", "--db", str(tmp_path / "missing.db"), "--config", str(path)])
    assert result.exit_code == 1
    assert "[cluster.representation]" in result.stderr and "«pca»" in result.stderr
    assert "pca_dims" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "missing.db").exists(), "the config is refused before the store is touched"


def test_unknown_and_malformed_sections_are_refused_when_loaded(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.toml"
    path.write_text("[clusterr]\nname = \"leiden\"\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[clusterr\].*clusterer"):
        load_config(path)
    path.write_text("cluster = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cluster"):
        load_config(path)
    path.write_text("[embedder]\nname = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[embedder\].*«name»"):
        load_config(path)


def test_engine_options_are_checked_against_the_engine() -> None:
    with pytest.raises(ConfigError, match=r"\[embed\] нет параметра «wrkers»"):
        build_pipeline(Config({"embed": {"engine": "dask", "wrkers": 2}}))
    with pytest.raises(ConfigError, match=r"\[embed\].*«workers».*целым"):
        build_pipeline(Config({"embed": {"engine": "dask", "workers": "два"}}))
    assert build_pipeline(Config({"embed": {"engine": "dask", "workers": 2}})).engine_choice.params == {"workers": 2}
    with pytest.raises(ConfigError, match=r"\[embed\].*«workers».*local"):
        build_pipeline(Config({"embed": {"workers": 2}}))


def test_kind_classifier_settings_are_reachable_and_checked() -> None:
    options = build_pipeline(Config({"describe": {"regularisation": 0.5, "company_kind": "service",
                                                  "cue_weight": 2}})).describe_options
    assert (options.regularisation, options.company_kind, options.cue_weight) == (0.5, "service", 2.0)
    with pytest.raises(ConfigError, match=r"\[kinds\.service\].*seed"):
        build_pipeline(Config({"kinds": {"service": {"seed": ["Долго ждал в очереди"]}}}))
    with pytest.raises(ConfigError, match=r"\[describe\].*«quotes»"):
        build_pipeline(Config({"describe": {"quotes": "пять"}}))


class _Broken:
    """A component whose constructor has a bug: it must surface as the bug it is."""

    def __init__(self, size: int = 3) -> None:
        self.size = len(size)  # type: ignore[arg-type]  # TypeError: the bug


class _Plugin:
    """A component another package ships through an entry point."""

    def __init__(self, *, depth: int = 2, words: tuple[str, ...] = ()) -> None:
        self.depth, self.words = depth, words


def test_a_type_error_inside_a_constructor_is_not_reported_as_bad_parameters() -> None:
    family = Registry[Any]("test-broken")
    family.register("broken")(_Broken)
    with pytest.raises(TypeError, match="len"):
        family.create("broken")
    with pytest.raises(ConfigError, match=r"\[test-broken\] нет параметра «sise»"):
        family.create("broken", sise=3)


def test_plugins_through_entry_points_are_checked_like_built_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = EntryPoint(name="mine", value=f"{__name__}:_Plugin", group="scenarios.test-plugins")
    monkeypatch.setattr(registry_module, "entry_points",
                        lambda group: [entry] if group == "scenarios.test-plugins" else [])
    family = Registry[Any]("test-plugins")
    assert family.names() == ["mine"]
    built = family.build("mine", {"depth": 4, "words": ["Ладья", "Сбер"]}, section="lemmatiser")
    assert (built.depth, built.words) == (4, ("Ладья", "Сбер"))
    with pytest.raises(ConfigError, match=r"\[lemmatiser\].*«depth».*целым"):
        family.build("mine", {"depth": 1.5}, section="lemmatiser")


class _DropsOne(Lemmatiser):
    """A lemmatiser that loses the last text of each batch (a broken contract)."""

    id = "drops-one"

    def __init__(self) -> None:
        self._real = lemmatisers.create("pymorphy")

    def lemmatise(self, texts):  # type: ignore[no-untyped-def]
        return self._real.lemmatise(texts)[:-1]


def test_a_lemmatiser_breaking_its_contract_is_a_scenarios_error(store: Store) -> None:
    from scenarios.stages.ingest import add_text

    add_text(store, "Клиент: Карту ждала три недели, курьер два раза переносил. Никто не знал, где она.")
    with pytest.raises(ComponentError, match="Лемматизатор drops-one вернул") as caught:
        lemmatise(store, _DropsOne())
    assert isinstance(caught.value, ScenariosError)


@pytest.mark.parametrize("text", ["[/b]", "[b]abcd", "[red]Сбер[/red] и [link=x]"])
def test_errors_are_printed_as_typed_not_as_markup(tmp_path: Path, runner: CliRunner, text: str) -> None:
    db = tmp_path / "x.db"
    assert runner.invoke(cli, ["init", "--db", str(db)]).exit_code == 0
    result = runner.invoke(cli, ["show", text, "--db", str(db)])
    assert result.exit_code == 1
    assert f"«{text}»" in result.stderr and "Traceback" not in result.stderr


def test_a_name_with_an_argument_passes_the_value_after_the_colon() -> None:
    from fractions import Fraction

    from scenarios.registry import Registry

    numbers: Registry[Fraction] = Registry("numbers")
    numbers.register_lazy("fraction", "fractions:Fraction", argument="numerator")
    assert numbers.build("fraction:3/4", {}) == Fraction(3, 4)
    assert numbers.build("fraction", {"numerator": "1/2"}) == Fraction(1, 2)
    assert numbers.spec("fraction:1/3", {"denominator": None}) == ("fraction", {"numerator": "1/3", "denominator": None})
    with pytest.raises(ConfigError, match="«fraction:3»"):  # a name without an argument keeps its colon
        Registry("plain").build("fraction:3", {})
