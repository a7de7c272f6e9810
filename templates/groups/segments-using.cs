<?cs # On the delete pages of a group and a tag: the saved segments that
  filter on it (Page.Segments), which find nobody once it is gone; text
  says so. ?><?cs
def:segments_using(text) ?><?cs if:subcount(Page.Segments) > 0 ?>
  <div class="alert segments-using" role="note" id="segments-using">
    <p><?cs var:text ?></p>
    <ul><?cs each:s = Page.Segments ?>
      <li><a href="/admin/segments"><?cs var:s ?></a></li><?cs /each ?>
    </ul>
  </div><?cs /if ?><?cs
/def ?>
