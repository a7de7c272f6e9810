<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Import.Mapping.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?><div class="import-page">
<p class="crumbs"><a href="/admin/import">← <?cs var:Lang.Import.Title ?></a></p>
<div class="page-head"><h1><?cs var:Lang.Import.Mapping.Title ?></h1></div>
<?cs if:Page.Message ?><p class="alert" role="alert" id="import-message"><?cs var:Page.Message ?></p><?cs /if ?>
<?cs if:Page.Import.State == "failed" ?><p class="alert" id="import-error"><?cs var:Lang.Import.Mapping.PreviewFailed ?> <?cs if:Lang.ImportJob.Failure[Page.Import.Error] ?><?cs var:Lang.ImportJob.Failure[Page.Import.Error] ?><?cs else ?><?cs var:Lang.ImportJob.Failure.error ?><?cs /if ?></p><?cs /if ?>
<section class="card">
  <h2 class="import-file"><?cs if:Page.Import.Source == "paste" ?><?cs var:Lang.Import.PastedList ?><?cs else ?><?cs var:Page.Import.FileName ?><?cs /if ?></h2>
  <p id="import-detected"><?cs if:Page.Import.Format == "xlsx" ?><?cs var:Lang.Import.Format.xlsx ?><?cs else ?><?cs var:Lang.Import.Encoding[Page.Import.EncodingKey] ?>, <?cs var:Lang.Import.Separator[Page.Import.Separator] ?><?cs /if ?>, <?cs var:Page.Import.RowsText ?> <?cs call:plural(Page.Import.Rows, Lang.Import.RowOne, Lang.Import.RowMany) ?><?cs if:Page.Import.HasHeader == 1 ?> <?cs var:Lang.Import.Mapping.AfterHeader ?><?cs /if ?></p>
  <details class="reread"<?cs if:Page.Reread ?> open<?cs /if ?>>
    <summary><?cs var:Lang.Import.Mapping.Wrong ?></summary>
    <form method="post" action="/admin/import/<?cs var:Page.Import.Id ?>/read" class="filter-form">
      <?cs call:csrf_field() ?>
      <?cs if:Page.Import.Format != "xlsx" ?>
      <label><?cs var:Lang.Import.Mapping.EncodingLabel ?>
        <select name="encoding"><?cs each:e = Page.Encodings ?><option value="<?cs var:e.Name ?>"<?cs if:Page.Import.Encoding == e.Name ?> selected<?cs /if ?>><?cs var:Lang.Import.Encoding[e.Key] ?></option><?cs /each ?></select></label>
      <label><?cs var:Lang.Import.Mapping.SeparatorLabel ?>
        <select name="separator"><?cs each:s = Page.Separators ?><option value="<?cs var:s ?>"<?cs if:Page.Import.Separator == s ?> selected<?cs /if ?>><?cs var:Lang.Import.SeparatorName[s] ?></option><?cs /each ?></select></label>
      <?cs /if ?>
      <label><?cs var:Lang.Import.Mapping.HeaderLabel ?>
        <select name="header"><option value="yes"<?cs if:Page.Import.HasHeader == 1 ?> selected<?cs /if ?>><?cs var:Lang.Import.Mapping.HeaderYes ?></option><option value="no"<?cs if:Page.Import.HasHeader != 1 ?> selected<?cs /if ?>><?cs var:Lang.Import.Mapping.HeaderNo ?></option></select></label>
      <div class="actions"><button type="submit"><?cs var:Lang.Import.Mapping.Reread ?></button></div>
    </form>
  </details>
</section>
<form method="post" action="/admin/import/<?cs var:Page.Import.Id ?>/mapping" class="form import-mapping">
  <?cs call:csrf_field() ?>
  <section class="card">
    <h2><?cs var:Lang.Import.Mapping.Columns ?></h2>
    <p class="muted"><?cs var:Lang.Import.Mapping.ColumnsHelp ?></p>
    <?cs if:!Page.HasEmail ?><p class="alert" id="no-email"><?cs var:Lang.Import.Mapping.NoEmail ?></p><?cs /if ?>
    <ol class="map-list">
    <?cs each:c = Page.Columns ?><li class="map-row">
      <div class="map-source">
        <label for="map-<?cs var:c.Name ?>"><strong><?cs if:c.Header ?><?cs var:c.Header ?><?cs else ?><?cs var:Lang.Import.Mapping.Column ?> <?cs var:c.Number ?><?cs /if ?></strong></label>
        <span class="map-values muted"><?cs each:v = c.Values ?><?cs if:!first(v) ?> · <?cs /if ?><?cs if:v ?><?cs var:v ?><?cs else ?>—<?cs /if ?><?cs /each ?></span>
      </div>
      <?cs if:c.Editable ?><select id="map-<?cs var:c.Name ?>" name="<?cs var:c.Name ?>"<?cs if:c.Field != "ignore" ?> class="mapped"<?cs /if ?><?cs if:Page.Twice && c.Field == Page.Twice ?> aria-invalid="true" aria-describedby="import-message"<?cs /if ?>>
        <?cs each:f = Page.Fields ?><option value="<?cs var:f ?>"<?cs if:c.Field == f ?> selected<?cs /if ?>><?cs var:Lang.Import.Field[f] ?></option><?cs /each ?>
      </select><?cs else ?><span class="map-fixed"><?cs var:Lang.Import.Field[c.Field] ?></span><?cs /if ?>
    </li><?cs /each ?>
    </ol>
    <?cs if:Page.FormColumns ?><p class="muted"><?cs var:Lang.Import.Mapping.TooManyColumns ?></p><?cs /if ?>
    <?cs if:Page.HasPassword ?><p class="notice-inline" id="password-note"><?cs var:Lang.Import.PasswordNote ?></p><?cs /if ?>
  </section>
  <section class="card">
    <fieldset class="choices">
      <legend><?cs var:Lang.Import.Mode.Legend ?></legend>
      <?cs each:m = Page.Modes ?><label class="check"><input type="radio" name="mode" value="<?cs var:m ?>"<?cs if:Page.Import.Mode == m ?> checked<?cs /if ?>> <span><strong><?cs var:Lang.Import.Mode[m].Label ?></strong> <span class="muted"><?cs var:Lang.Import.Mode[m].Help ?></span></span></label>
      <?cs /each ?>
    </fieldset>
    <fieldset class="choices">
      <legend><?cs var:Lang.Import.Subscribe.Legend ?></legend>
      <label class="check"><input type="checkbox" name="subscribe" value="1"<?cs if:Page.Import.Subscribe == 1 ?> checked<?cs /if ?>> <span><?cs var:Lang.Import.Subscribe.Label ?></span></label>
      <label class="check attest"><input type="checkbox" name="attest" value="1"> <span><?cs var:Lang.Import.Subscribe.Attest ?></span></label>
      <p class="muted"><?cs var:Lang.Import.Subscribe.Help ?></p>
    </fieldset>
    <fieldset class="choices">
      <legend><?cs var:Lang.Import.Welcome.Legend ?></legend>
      <label class="check"><input type="checkbox" name="welcome" value="1"<?cs if:Page.Import.Welcome == 1 ?> checked<?cs /if ?>> <span><?cs var:Lang.Import.Welcome.Label ?></span></label>
    </fieldset>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Import.Mapping.Preview ?></button>
      <button type="submit" class="link" formaction="/admin/import/<?cs var:Page.Import.Id ?>/delete"><?cs var:Lang.Import.Mapping.Cancel ?></button>
    </div>
    <p class="muted"><?cs var:Lang.Import.Mapping.NothingWritten ?></p>
  </section>
</form>
</div><?cs /def ?>
