"""`scenarios cluster`, `assign`, `eval`, and curation: `rename`, `merge`, `pin-quote`, `hide`."""

from __future__ import annotations

import click

from ..curate import hide, merge, pin_quote, rename
from ..evaluate import evaluate, read_gold, story_scenarios
from ..stages.assign import assign
from ..stages.describe import describe
from ._common import build, config_option, console, err_console, open_store, print_json, store_option
from ._group import cli


@cli.command("cluster")
@store_option
@config_option
@click.option("--clusterer", "-c", help="leiden (default), hdbscan, kmeans or agglomerative.")
@click.option("--min-cluster-size", type=click.IntRange(2), help="Smallest scenario, in fragments "
              "[default: scales with the corpus].")
@click.option("--assign-threshold", type=float, help="A fragment is in a scenario only at this cosine to its "
              "centre or more (assign uses the same); 0 keeps the clusterer's labels [default: 0.3].")
@click.option("--pca-dims", type=click.IntRange(0),
              help="PCA dimensions of the embedder half before clustering; 0 = all [default: all].")
@click.option("--force", is_flag=True, help="Cluster again even if nothing changed since the latest run.")
def cluster_command(db_path: str, config_path: str | None, clusterer: str | None, min_cluster_size: int | None,
                    assign_threshold: float | None, pca_dims: int | None, force: bool) -> None:
    """Cluster embedded fragments into scenarios (a new run; older runs stay readable).

    Deterministic: the same fragments give the same scenarios in any input order. Scenarios that
    match the previous run keep their ids, names, pins and merges.

    \b
    Examples:
        scenarios cluster
        scenarios cluster --min-cluster-size 20
        scenarios cluster --clusterer kmeans   # with n_clusters in scenarios.toml [clusterer]
    """
    with open_store(db_path, create=False) as store:
        pipeline = build(config_path, store, clusterer=clusterer, min_cluster_size=min_cluster_size,
                         assign_threshold=assign_threshold, pca_dims=pca_dims)
        err_console.print("Кластеризация…")
        report = pipeline.cluster(store, force=force)
    if report.reused:
        console.print(f"Ничего не изменилось с прогона {report.run_id}: {report.scenarios} сценариев "
                      "(--force, чтобы кластеризовать заново).")
        return
    console.print(
        f"Прогон {report.run_id}: {report.scenarios} сценариев из {report.fragments} фрагментов за "
        f"{report.seconds:.1f} с; без сценария: {report.unassigned} ({report.unassigned_share:.0%}); "
        f"сохранили id прошлого прогона: {report.kept_ids}."
    )


@cli.command("describe")
@store_option
@config_option
@click.option("--embedder", "-e", help="The embedder the run was built on [default: the run's own].")
def describe_command(db_path: str, config_path: str | None, embedder: str | None) -> None:
    """Give every scenario of the latest run a label, a kind, quotes and company mentions.

    Re-running replaces the description (curated names and pinned quotes are kept). The run's
    own embedder is used (the one `scenarios embed` last ran with, when it was clustered).

    \b
    Example:
        scenarios describe --config corpus/scenarios.toml
    """
    with open_store(db_path, create=False) as store:
        pipeline = build(config_path, store, embedder=embedder)
        report = describe(store, pipeline.embedder_for_run(store), options=pipeline.describe_options)
    console.print(f"Прогон {report.run_id}: описано сценариев {report.scenarios} за {report.seconds:.1f} с.")


@cli.command("assign")
@store_option
@click.option("--threshold", type=float, help="Cosine needed to join a scenario [default: the run's].")
def assign_command(db_path: str, threshold: float | None) -> None:
    """Put new fragments into the latest run's scenarios without re-clustering.

    \b
    Example:
        scenarios add new_calls/ && scenarios lemmatise && scenarios embed && scenarios assign
    """
    with open_store(db_path, create=False) as store:
        report = assign(store, threshold=threshold)
    console.print(f"Прогон {report.run_id}: новых фрагментов в сценариях {report.assigned}, "
                  f"без сценария {report.unassigned}.")


@cli.command("eval")
@store_option
@click.option("--gold", "gold_path", required=True, type=click.Path(dir_okay=False), help="CSV of gold labels.")
@click.option("--id-column", default="id", show_default=True, help="Column matching the stories' external_id.")
@click.option("--text-column", help="Match rows to stories by this column's text [default: by text when the file "
              "has no id column: text, текст, отзыв...].")
@click.option("--label-column", default="label", show_default=True, help="Column with the gold scenario.")
@click.option("--ignore-label", multiple=True, help="Gold labels to leave out (e.g. none).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def eval_command(db_path: str, gold_path: str, id_column: str, text_column: str | None, label_column: str,
                 ignore_label: tuple[str, ...], as_json: bool) -> None:
    """Score the latest run against gold labels, story by story (main scenario per story).

    A gold file without an id column is matched to the stories by text (as `add` stored them).

    \b
    Examples:
        scenarios add reviews.csv --id-column review_id
        scenarios eval --gold reviews_gold.csv --id-column review_id --label-column theme --json
        scenarios eval --gold banki_reviews_themes.csv --label-column theme
    """
    gold = read_gold(gold_path, id_column, label_column, text_column=text_column)
    labels = {k: v for k, v in gold.items() if v not in ignore_label}
    with open_store(db_path, create=False) as store:
        result = evaluate(story_scenarios(store, by=gold.by), labels)
    data = result.as_dict()
    if as_json:
        print_json({"v_measure": data["v_measure"], "homogeneity": data["homogeneity"],
                    "completeness": data["completeness"], "ari": data["ari"], "ami": data["ami"],
                    "assigned_share": data["assigned_share"], "n_scenarios": data["n_scenarios"],
                    "all_stories": {"v_measure": data["v_measure_all"], "ari": data["ari_all"],
                                    "ami": data["ami_all"]}, "n_stories": data["n_stories"]})
        return
    console.print(f"Историй с разметкой: {result.n_stories}; в сценариях: {result.assigned_share:.0%}; "
                  f"сценариев: {result.n_scenarios}")
    console.print(f"На историях в сценариях: V-measure {result.v_measure:.3f} (однородность "
                  f"{result.homogeneity:.3f}, полнота {result.completeness:.3f}), ARI {result.ari:.3f}, "
                  f"AMI {result.ami:.3f}")
    console.print(f"На всех (без сценария — один класс): V-measure {result.v_measure_all:.3f}, "
                  f"ARI {result.ari_all:.3f}, AMI {result.ami_all:.3f}")


@cli.command("rename")
@click.argument("scenario")
@click.argument("name", required=False)
@store_option
def rename_command(scenario: str, name: str | None, db_path: str) -> None:
    """Name a scenario (omit NAME to go back to the generated label); survives re-clustering.

    \b
    Example:
        scenarios rename S004 "Курьер переносит доставку карты"
    """
    with open_store(db_path, create=False) as store:
        rename(store, scenario, name)
    console.print(f"{scenario}: {'название «' + name + '»' if name else 'название сброшено'}.")


@cli.command("merge")
@click.argument("source")
@click.argument("target")
@store_option
def merge_command(source: str, target: str, db_path: str) -> None:
    """Merge scenario SOURCE into TARGET, now and in every later run.

    \b
    Example:
        scenarios merge S012 S004
    """
    with open_store(db_path, create=False) as store:
        merge(store, source, target)
    console.print(f"{source} объединён с {target}: его участники, цитаты и упоминания компаний теперь у {target}.")


@cli.command("pin-quote")
@click.argument("scenario")
@click.argument("fragment")
@click.option("--unpin", is_flag=True, help="Remove the pin instead.")
@store_option
def pin_quote_command(scenario: str, fragment: str, unpin: bool, db_path: str) -> None:
    """Pin a fragment (id `story:index`, see `scenarios show --fragments`) as a scenario's quote.

    \b
    Example:
        scenarios pin-quote S004 3fa2c1d0e9b87a61:2
    """
    with open_store(db_path, create=False) as store:
        pin_quote(store, scenario, fragment, unpin=unpin)
    console.print(f"{scenario}: цитата {fragment} {'откреплена' if unpin else 'закреплена'}.")


@cli.command("hide")
@click.argument("scenario")
@click.option("--show", "show_again", is_flag=True, help="Show a hidden scenario again.")
@store_option
def hide_command(scenario: str, show_again: bool, db_path: str) -> None:
    """Hide a scenario from digests (its data stays); `--show` brings it back.

    \b
    Example:
        scenarios hide S017
    """
    with open_store(db_path, create=False) as store:
        hide(store, scenario, hidden=not show_again)
    console.print(f"{scenario}: {'снова показывается' if show_again else 'скрыт'}.")
