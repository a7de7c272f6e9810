<?cs set:Page.Title = "Upload probe" ?><?cs def:content() ?>
<section class="card">
  <h1>Upload probe</h1>
  <?cs if:Probe.Answered ?>
  <dl class="probe">
    <dt>note</dt><dd id="note"><?cs var:Probe.Note ?></dd>
    <dt>file</dt><dd id="file"><?cs var:Probe.File ?></dd>
    <dt>filename</dt><dd id="filename"><?cs var:Probe.FileName ?></dd>
    <dt>size</dt><dd id="size"><?cs var:Probe.Size ?></dd>
    <dt>type</dt><dd id="type"><?cs var:Probe.ContentType ?></dd>
    <dt>sha256</dt><dd id="sha256"><?cs var:Probe.Sha256 ?></dd>
    <dt>kept</dt><dd id="kept"><?cs var:Probe.Kept ?></dd>
  </dl>
  <?cs /if ?>
  <form method="post" action="/admin/probe/upload" enctype="multipart/form-data">
    <input type="hidden" name="csrf" value="<?cs var:Page.Csrf ?>">
    <p><label>Note <input type="text" name="note" maxlength="100"></label></p>
    <p><label>File <input type="file" name="file" required></label></p>
    <p><label><input type="checkbox" name="keep" value="1"> keep</label></p>
    <p><button type="submit">Send</button></p>
  </form>
</section>
<?cs /def ?>
