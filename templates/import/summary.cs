<section class="card import-summary">
  <h2><?cs var:Lang.Import.Summary.Title ?></h2>
  <dl class="facts">
    <dt><?cs var:Lang.Import.Summary.File ?></dt><dd><?cs if:Page.Import.Source == "paste" ?><?cs var:Lang.Import.PastedList ?><?cs else ?><?cs var:Page.Import.FileName ?><?cs /if ?></dd>
    <dt><?cs var:Lang.Import.Summary.Read ?></dt><dd><?cs if:Page.Import.Format == "xlsx" ?><?cs var:Lang.Import.Format.xlsx ?><?cs else ?><?cs var:Lang.Import.Encoding[Page.Import.EncodingKey] ?>, <?cs var:Lang.Import.Separator[Page.Import.Separator] ?><?cs /if ?>, <?cs var:Page.Import.RowsText ?> <?cs call:plural(Page.Import.Rows, Lang.Import.RowOne, Lang.Import.RowMany) ?></dd>
    <dt><?cs var:Lang.Import.Summary.Sent ?></dt><dd><?cs var:Page.Import.Created ?><?cs if:Page.Import.By ?> · <?cs var:Page.Import.By ?><?cs /if ?></dd>
    <?cs if:Page.Import.Started ?><dt><?cs var:Lang.Import.Summary.Started ?></dt><dd><?cs var:Page.Import.Started ?></dd><?cs /if ?>
    <?cs if:Page.Import.Finished ?><dt><?cs var:Lang.Import.Summary.Finished ?></dt><dd><?cs var:Page.Import.Finished ?></dd><?cs /if ?>
    <dt><?cs var:Lang.Import.Summary.Mode ?></dt><dd><?cs var:Lang.Import.Mode[Page.Import.Mode].Label ?></dd>
    <dt><?cs var:Lang.Import.Summary.Subscribe ?></dt><dd><?cs if:Page.Import.Subscribe == 1 ?><?cs var:Lang.Import.Yes ?><?cs else ?><?cs var:Lang.Import.No ?><?cs /if ?></dd>
    <dt><?cs var:Lang.Import.Summary.Welcome ?></dt><dd><?cs if:Page.Import.Welcome == 1 ?><?cs var:Lang.Import.Yes ?><?cs else ?><?cs var:Lang.Import.No ?><?cs /if ?></dd>
  </dl>
  <h3><?cs var:Lang.Import.Summary.Mapping ?></h3>
  <ul class="map-summary" id="mapping-summary"><?cs each:c = Page.Columns ?><?cs if:c.Field != "ignore" ?><li><?cs if:c.Header ?><?cs var:c.Header ?><?cs else ?><?cs var:Lang.Import.Mapping.Column ?> <?cs var:c.Number ?><?cs /if ?> → <strong><?cs var:Lang.Import.Field[c.Field] ?></strong></li><?cs /if ?><?cs /each ?></ul>
</section>
